{%- set query -%}
    select distinct lower(event_type) from {{ ref('events') }} order by 1
{%- endset -%}
{%- set result = run_query(query) -%}
{%- if execute -%}
    {%- set types = result.columns[0].values() -%}
{%- else -%}
    {%- set types = [] -%}
{%- endif -%}
-- One column per event type found in the data ({{ types | length }} of them).
select
    {% for type in types -%}
    sum(case when e.event_type = '{{ type }}' then 1 else 0 end) as {{ type | replace(' ', '_') }}_events,
    {% endfor -%}
    count(*) as all_events,
    {{ safe_divide("sum(case when t.is_conversion then 1 else 0 end)", "count(distinct e.session_id)") }} as conversions_per_session
from {{ ref('stg_events') }} as e
left join {{ ref('web_events', 'event_types') }} as t
    on t.event_type = e.event_type

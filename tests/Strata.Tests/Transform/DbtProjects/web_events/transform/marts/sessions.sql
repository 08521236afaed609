{{
    config(
        materialized='incremental',
        unique_key='session_id',
        incremental_strategy='merge'
    )
}}
{% set counted = {'page_view': 'page_views', 'click': 'clicks', 'purchase': 'purchases'} %}

select
    session_id,
    min(user_id) as user_id,
    min(occurred_at) as started_at,
    max(occurred_at) as ended_at,
    count(*) as events,
    {%- for type, column in counted.items() %}
    sum(case when event_type = '{{ type }}' then 1 else 0 end) as {{ column }},
    {%- endfor %}
    sum(duration_ms) as duration_ms
from {{ ref('stg_events') }}
{% if is_incremental() %}
-- Sessions with an event newer than what the table holds are recomputed whole.
where session_id in (
    select session_id from {{ ref('stg_events') }}
    where occurred_at > (select max(ended_at) from {{ this }})
)
{% endif %}
group by session_id

{#
    Clean events: one spelling per event type, a duration of 0 when unknown, and the site they came from.
#}
{%- set site = env_var('WEB_EVENTS_SITE', var('site')) -%}
select
    event_id,
    session_id,
    user_id,
    lower(event_type) as event_type,
    {{ "'" ~ site | replace("'", "''") ~ "'" }} as site,
    page,
    coalesce(duration_ms, 0) as duration_ms,
    {{ duration_bucket('coalesce(duration_ms, 0)', edges=[1000, var('long_visit_ms')]) }} as duration_bucket,
    occurred_at
from {{ ref('events') }}
{%- if target.name == 'prod' %}
where page not like '/blog/%'
{%- elif target.type in ['duckdb', 'postgres'] %}
where event_id is not null
{%- else %}
where false
{%- endif %}

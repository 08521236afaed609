{{ config(materialized='view') }}
{%- set page_types = [('/blog/', 'blog'), ('/products', 'catalog')] %}
select
    site,
    page,
    case
        {%- for prefix, kind in page_types %}
        when page like '{{ prefix }}%' then '{{ kind | upper }}'
        {%- endfor %}
        else 'OTHER'
    end as page_type,
    count(*) as views,
    sum(case when duration_bucket = 'long' then 1 else 0 end) as long_views
from {{ ref('stg_events') }}
where event_type = 'page_view'
group by site, page

{#- The most viewed pages, as a small summary table. -#}
{%- set top_n = 3 -%}
{%- set columns = ['page', 'views'] -%}
{%- set label = var('summary_label', 'top pages') -%}
select
    {%- for column in columns %}
    {% if not loop.first %}, {% endif %}{{ column }}
    {%- endfor %},
    '{{ label | upper }}' as label,
    '{{ unset_setting | default('n/a') }}' as setting,
    {{ columns | length }} as column_count,
    '{{ columns | join('+') }}' as column_list
from {{ ref('pages') }}
order by views desc, page
limit {{ top_n }}

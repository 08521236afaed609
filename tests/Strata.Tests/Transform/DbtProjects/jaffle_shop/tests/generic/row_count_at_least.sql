{#- A table that suddenly holds fewer rows than it should has lost data upstream. -#}
{% test row_count_at_least(model, min_rows=1) %}
select count(*) as row_count
from {{ model }}
having count(*) < {{ min_rows }}
{% endtest %}

-- Report 2: the 3 delivery dates with the most open orders (ties: the earlier date first).
select delivery_date, open_orders
from (
    select delivery_date, count(*) as open_orders,
           row_number() over (order by count(*) desc, delivery_date) as position
    from {{ ref('fct_orders') }}
    where is_open
    group by delivery_date
) ranked
where position <= 3

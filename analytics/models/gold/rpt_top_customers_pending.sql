-- Report 4: the 3 customers with the most open orders (ties: the lower customer id first).
select customer_id, customer_name, open_orders
from (
    select c.customer_id, c.customer_name, count(*) as open_orders,
           row_number() over (order by count(*) desc, c.customer_id) as position
    from {{ ref('fct_orders') }} o
    join {{ ref('dim_customers') }} c on c.customer_id = o.customer_id
    where o.is_open
    group by c.customer_id, c.customer_name
) ranked
where position <= 3

-- Report 4: the customers with the most open orders (ties: the lower customer id first).
select customer_id, customer_name, open_orders
from {{ ref('rpt_top_customers_pending') }}
order by open_orders desc, customer_id

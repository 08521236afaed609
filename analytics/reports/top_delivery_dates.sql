-- Report 2: the delivery dates with the most open orders (ties: the earlier date first).
select delivery_date, open_orders
from {{ ref('rpt_top_delivery_dates') }}
order by open_orders desc, delivery_date

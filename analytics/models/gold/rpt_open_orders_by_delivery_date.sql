-- Report 1: open orders by delivery date and status.
select delivery_date, status, count(*) as open_orders
from {{ ref('fct_orders') }}
where is_open
group by delivery_date, status

-- Report 1: open orders by delivery date and status; optionally one status only.
select delivery_date, status, open_orders
from {{ ref('rpt_open_orders_by_delivery_date') }}
where {{ param('status') }} is null or status = {{ param('status') }}
order by delivery_date, status

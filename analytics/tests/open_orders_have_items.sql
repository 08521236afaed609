-- Every open order has at least one item. The first version's workload attached the items of a new
-- order to another order of the same customer that day, leaving open orders empty; this test catches it.
select o.order_id, o.customer_id, o.status, o.order_date
from {{ ref('orders') }} o
where o.status <> '{{ var("closed_status") }}'
  and not exists (select 1 from {{ ref('order_items') }} i where i.order_id = o.order_id)

-- One row per order item, with its order's status and delivery date.
select i.order_item_id, i.order_id, i.product_id, i.quantity,
       o.customer_id, o.status, o.delivery_date, o.is_open
from {{ ref('order_items') }} i
join {{ ref('fct_orders') }} o on o.order_id = i.order_id

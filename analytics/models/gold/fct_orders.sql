-- One row per order, with whether it is open and what it holds.
select o.order_id, o.order_date, o.delivery_date, o.customer_id, o.status,
       o.status <> '{{ var("closed_status") }}' as is_open,
       coalesce(i.item_count, 0) as item_count,
       coalesce(i.total_quantity, 0) as total_quantity,
       o.created_at, o.updated_at
from {{ ref('orders') }} o
left join (
    select order_id, count(*) as item_count, sum(quantity) as total_quantity
    from {{ ref('order_items') }}
    group by order_id
) i on i.order_id = o.order_id

-- Refunds have a negative amount, so the total amount of an order must be >= 0.
select order_id, sum(amount) as total_amount
from {{ ref('orders') }}
group by order_id
having sum(amount) < 0

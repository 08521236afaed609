-- Report 3: order items that belong to open orders, by product, with their summed quantity.
select p.product_id, p.product_name, count(*) as open_items, sum(i.quantity) as open_quantity
from {{ ref('fct_order_items') }} i
join {{ ref('dim_products') }} p on p.product_id = i.product_id
where i.is_open
group by p.product_id, p.product_name

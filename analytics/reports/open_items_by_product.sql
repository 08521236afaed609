-- Report 3: items of open orders by product, with the quantity they add up to.
select product_id, product_name, open_items, open_quantity
from {{ ref('rpt_open_items_by_product') }}
where open_items >= {{ param('min_items') }}
order by open_items desc, product_id

select sku, name as product_name, upper(category) as category, price
from {{ source('erp', 'products') }}

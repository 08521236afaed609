select product_id, product_name, barcode, unit_price, is_active, created_at, updated_at
from {{ ref('products') }}

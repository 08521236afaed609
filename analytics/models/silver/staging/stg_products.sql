select product_id, product_name, barcode, unity_price as unit_price, is_active,
       updated_at, updated_by, created_at, created_by,
       {{ changelog_columns() }}
from {{ source('bronze', 'products') }}

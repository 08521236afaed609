select
    sku,
    location as location_code,
    qty,
    updated_at
from {{ source('erp', 'stock_levels') }}
where qty >= 0

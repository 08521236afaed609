select order_id, order_date, delivery_date, customer_id, status,
       updated_at, updated_by, created_at, created_by,
       {{ changelog_columns() }}
from {{ source('bronze', 'orders') }}

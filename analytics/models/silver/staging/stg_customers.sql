select customer_id, customer_name, is_active, customer_address,
       updated_at, updated_by, created_at, created_by,
       {{ changelog_columns() }}
from {{ source('bronze', 'customers') }}

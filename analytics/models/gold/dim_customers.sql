select customer_id, customer_name, is_active, customer_address, created_at, updated_at
from {{ ref('customers') }}

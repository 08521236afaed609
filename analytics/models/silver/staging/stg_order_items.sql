-- The source spells the column "quanity"; silver and everything after it say quantity.
select order_item_id, order_id, product_id, quanity as quantity,
       updated_at, updated_by, created_at, created_by,
       {{ changelog_columns() }}
from {{ source('bronze', 'order_items') }}

{{ config(unique_key='order_item_id') }}
select * from {{ ref('stg_order_items') }}

{{ config(unique_key='order_id') }}
select * from {{ ref('stg_orders') }}

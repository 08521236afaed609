{% snapshot stock_snapshot %}
{{
    config(
        target_schema='snapshots',
        unique_key=['sku', 'location'],
        strategy='timestamp',
        updated_at='updated_at',
        hard_deletes='invalidate'
    )
}}
select sku, location, qty, updated_at from {{ source('erp', 'stock_levels') }}
{% endsnapshot %}

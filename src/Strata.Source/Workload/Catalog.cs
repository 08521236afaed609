namespace Strata.Source.Workload;

/// <summary>The names the live workload and the sample data draw from (20 companies, 3 addresses, 28 products).</summary>
internal static class Catalog
{
    public static readonly IReadOnlyList<string> CompanyNames =
    [
        "Northwind Traders", "Blue Harbor Foods", "Granite Peak Supply", "Silverline Logistics", "Oakridge Provisions",
        "Meridian Wholesale", "Copperfield & Sons", "Lakeside Grocers", "Summit Office Goods", "Redwood Hardware",
        "Pioneer Farm Co-op", "Harborview Café", "Atlas Builders", "Evergreen Pharmacy", "Starlight Bakery",
        "Riverbend Market", "Ironclad Tools", "Sunrise Dairy", "Bluebird Books", "Crescent Textiles",
    ];

    public static readonly IReadOnlyList<string> Addresses =
    [
        "12 Market Street, Springfield", "480 Harbour Road, Port Elliot", "7 Quarry Lane, Stonebridge",
    ];

    public static readonly IReadOnlyList<string> ProductNames =
    [
        "Espresso Beans 1kg", "Green Tea 100 bags", "Whole Milk 1L", "Cheddar Block 500g", "Sourdough Loaf",
        "Olive Oil 750ml", "Basmati Rice 5kg", "Pasta Penne 1kg", "Tomato Passata", "Sea Salt 250g",
        "Printer Paper A4", "Ballpoint Pens (10)", "Stapler", "Desk Lamp", "USB-C Cable 2m",
        "Hammer 16oz", "Screwdriver Set", "Work Gloves", "Safety Glasses", "Measuring Tape 5m",
        "Hand Soap 500ml", "Dish Sponges (6)", "Paper Towels (12)", "Trash Bags 60L", "Glass Cleaner",
        "Notebook A5", "Sticky Notes", "Whiteboard Markers",
    ];

    public static readonly IReadOnlyList<string> Statuses = ["PENDING", "PROCESSING", "REPROCESSING", "COMPLETED"];

    /// <summary>The statuses an open order moves to (the original workload's choice).</summary>
    public static readonly IReadOnlyList<string> NextStatuses = ["PROCESSING", "COMPLETED", "REPROCESSING"];

    /// <summary>The name of sample customer <paramref name="index"/> (0-based): the catalog first, then numbered variants.</summary>
    public static string CustomerName(long index) =>
        index < CompanyNames.Count ? CompanyNames[(int)index] : $"{CompanyNames[(int)(index % CompanyNames.Count)]} #{index / CompanyNames.Count + 1}";

    /// <summary>The name of sample product <paramref name="index"/> (0-based): the catalog first, then numbered variants.</summary>
    public static string ProductName(long index) =>
        index < ProductNames.Count ? ProductNames[(int)index] : $"{ProductNames[(int)(index % ProductNames.Count)]} #{index / ProductNames.Count + 1}";
}

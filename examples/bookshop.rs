//! A small bookshop's tools, written the way a newcomer to MCP would write them: plain structs
//! and enums as arguments and results, optional fields, failures as `Err`, and one slow tool.
//! Every client era is served on one endpoint: MCP 2026-07-28 clients and those that
//! `initialize` alike.
//!
//! ```sh
//! cargo run -p mcp-examples --bin bookshop
//! ```
//!
//! `MCP_BIND` sets the address (default `127.0.0.1:8000`), `MCP_WORKERS` the number of workers.

use std::time::Duration;

use mcp_runtime::{tool, Context, Json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a book is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Genre {
    Fiction,
    Science,
    History,
    Poetry,
}

/// A book on the shelves.
#[derive(Debug, Clone, Serialize, JsonSchema)]
struct Book {
    /// The stock-keeping unit, as ordered.
    sku: &'static str,
    title: &'static str,
    author: &'static str,
    genre: Genre,
    /// The price in cents.
    price_cents: u32,
    in_stock: u32,
}

const SHELVES: &[Book] = &[
    Book {
        sku: "F-001",
        title: "The Long Voyage",
        author: "A. Mariner",
        genre: Genre::Fiction,
        price_cents: 1299,
        in_stock: 4,
    },
    Book {
        sku: "F-002",
        title: "Quiet Streets",
        author: "B. Walker",
        genre: Genre::Fiction,
        price_cents: 899,
        in_stock: 0,
    },
    Book {
        sku: "S-001",
        title: "Stars and Dust",
        author: "C. Sagan-Ito",
        genre: Genre::Science,
        price_cents: 2450,
        in_stock: 2,
    },
    Book {
        sku: "S-002",
        title: "Small Machines",
        author: "D. Lovelace",
        genre: Genre::Science,
        price_cents: 1999,
        in_stock: 7,
    },
    Book {
        sku: "H-001",
        title: "Empires of Salt",
        author: "E. Gibbon-Rao",
        genre: Genre::History,
        price_cents: 3100,
        in_stock: 1,
    },
    Book {
        sku: "P-001",
        title: "Winter Lines",
        author: "F. Basho",
        genre: Genre::Poetry,
        price_cents: 750,
        in_stock: 12,
    },
];

/// The books found.
#[derive(Debug, Serialize, JsonSchema)]
struct Found {
    books: Vec<Book>,
}

/// Find books on the shelves.
///
/// # Arguments
///
/// * `genre` - Only books of this genre.
/// * `max_price_cents` - Only books at most this expensive.
/// * `in_stock_only` - Leave out books that are sold out (default: true).
#[tool(read_only, idempotent)]
fn find_books(
    genre: Option<Genre>,
    max_price_cents: Option<u32>,
    in_stock_only: Option<bool>,
) -> Json<Found> {
    let in_stock_only = in_stock_only.unwrap_or(true);
    let books = SHELVES
        .iter()
        .filter(|book| genre.is_none_or(|genre| book.genre == genre))
        .filter(|book| max_price_cents.is_none_or(|max| book.price_cents <= max))
        .filter(|book| !in_stock_only || book.in_stock > 0)
        .cloned()
        .collect();
    Json(Found { books })
}

/// How fast an order should travel.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Shipping {
    Standard,
    Express,
}

/// Where an order goes.
#[derive(Debug, Deserialize, JsonSchema)]
struct Address {
    street: String,
    city: String,
    /// Two letters, such as `DE` or `US`.
    country: String,
    postcode: Option<String>,
}

/// One line of an order.
#[derive(Debug, Deserialize, JsonSchema)]
struct Line {
    sku: String,
    quantity: u32,
}

/// An order to quote.
#[derive(Debug, Deserialize, JsonSchema)]
struct Order {
    lines: Vec<Line>,
    ship_to: Address,
    shipping: Option<Shipping>,
    /// Wrapped as a gift, with this note.
    gift_note: Option<String>,
}

/// What an order costs.
#[derive(Debug, Serialize, JsonSchema)]
struct Quote {
    books_cents: u64,
    shipping_cents: u64,
    total_cents: u64,
    /// When it arrives, in days.
    arrives_in_days: u32,
    gift_wrapped: bool,
    /// The address label.
    ship_to: String,
}

/// Quote an order: the books, shipping to the address, and the total. Fails for an unknown
/// book, a quantity of zero, or more copies than are in stock.
#[tool(read_only, idempotent)]
fn quote_order(order: Order) -> Result<Json<Quote>, String> {
    if order.lines.is_empty() {
        return Err("the order has no lines: add at least one {sku, quantity}".into());
    }
    let mut books_cents = 0u64;
    for line in &order.lines {
        let book = SHELVES
            .iter()
            .find(|book| book.sku == line.sku)
            .ok_or_else(|| format!("no book has the SKU {:?}", line.sku))?;
        if line.quantity == 0 {
            return Err(format!("the quantity of {} must be at least 1", line.sku));
        }
        if line.quantity > book.in_stock {
            return Err(format!(
                "only {} of {} ({}) in stock",
                book.in_stock, book.sku, book.title
            ));
        }
        books_cents += u64::from(book.price_cents) * u64::from(line.quantity);
    }
    let domestic = order.ship_to.country.eq_ignore_ascii_case("DE");
    let (shipping_cents, arrives_in_days) =
        match (order.shipping.unwrap_or(Shipping::Standard), domestic) {
            (Shipping::Standard, true) => (399, 3),
            (Shipping::Standard, false) => (1299, 8),
            (Shipping::Express, true) => (999, 1),
            (Shipping::Express, false) => (2999, 3),
        };
    let gift_wrapped = order.gift_note.is_some();
    let Address {
        street,
        city,
        country,
        postcode,
    } = order.ship_to;
    let ship_to = match postcode {
        Some(postcode) => format!("{street}, {postcode} {city}, {country}"),
        None => format!("{street}, {city}, {country}"),
    };
    let wrapping = if gift_wrapped { 250 } else { 0 };
    Ok(Json(Quote {
        books_cents,
        shipping_cents: shipping_cents + wrapping,
        total_cents: books_cents + shipping_cents + wrapping,
        arrives_in_days,
        gift_wrapped,
        ship_to,
    }))
}

/// Compile the stock report: slow (it takes `seconds`, at most 5), reporting progress.
#[tool(read_only)]
async fn stock_report(seconds: f64, ctx: Context) -> Result<String, String> {
    if !(0.0..=5.0).contains(&seconds) {
        return Err(format!("seconds must be between 0 and 5, not {seconds}"));
    }
    let steps = SHELVES.len();
    for (done, _) in SHELVES.iter().enumerate() {
        ctx.report_progress(done as f64, Some(steps as f64), None)
            .await;
        tokio::time::sleep(Duration::from_secs_f64(seconds / steps as f64)).await;
    }
    let copies: u32 = SHELVES.iter().map(|book| book.in_stock).sum();
    Ok(format!(
        "{} titles, {copies} copies in stock",
        SHELVES.len()
    ))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let workers = std::env::var("MCP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok());
    eprintln!("bookshop: MCP over Streamable HTTP at http://{bind}/mcp");
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new()
            .service(actix_web::web::scope("/mcp").service(mcp_runtime::streamable_http_app()))
    });
    let server = match workers {
        Some(workers) => server.workers(workers),
        None => server,
    };
    let http = server.disable_signals().tcp_nodelay(true).bind(bind)?.run();
    mcp_runtime::Server::global().stop_on_signals(http.handle(), Duration::from_secs(10));
    http.await
}

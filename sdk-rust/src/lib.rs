#![doc = include_str!("../README.md")]

mod client;
mod error;
pub mod filter;
mod object;
mod patch;
mod types;

#[rustfmt::skip]
#[allow(unused_imports)]
mod generated;

pub use client::{
    Client, Create, CreateMany, DEFAULT_TIMEOUT, FindMany, FindOne, Objects, Page, PageInfo, Retry,
    retry_after,
};
pub use error::{ApiError, Error};
pub use filter::Filter;
pub use generated::*;
pub use object::{Depth, Direction, Keys, Object, OrderField, SelectValue};
pub use patch::Patch;
pub use types::{LinkItem, PhoneItem};

//! Types parsed at the boundary. Nothing here knows about AWS or HTTP.

pub mod api_key;
mod argon2id;
pub mod device;
pub mod email;
pub mod member;
mod member_json;
pub mod member_patch;
pub mod member_query;
pub mod password;
pub mod token;

pub use email::Email;
pub use member::{Member, MemberStatus};
pub use password::{Password, PasswordHasher};

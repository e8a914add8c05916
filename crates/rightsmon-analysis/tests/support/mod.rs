pub mod reds;

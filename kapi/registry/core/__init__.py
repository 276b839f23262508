"""The core ("" v1) resources."""

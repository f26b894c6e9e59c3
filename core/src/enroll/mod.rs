//! Enrollment: otpauth URIs, Google Authenticator migration payloads and QR images.

pub mod qr;

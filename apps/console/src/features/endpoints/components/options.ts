// The API's enums for an endpoint's options (from its OpenAPI document); the API checks every value.
export const SIGNATURE_SCHEMES = ['standard-webhooks', 'github', 'stripe', 'line', 'hmac'] as const;
export const PAYLOAD_FORMATS = ['envelope', 'data'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64'] as const;
export const HMAC_ALGORITHMS = ['sha256', 'sha512'] as const;
export const HMAC_CONTENTS = ['body', 'timestamp.body', 'id.timestamp.body'] as const;

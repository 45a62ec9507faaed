/**
 * Channel adapters: the small ports activities send through (email, SMS, payment links,
 * webhooks) and their implementations, plus the signed tokens that links carry. Everything
 * here talks to the world; nothing here knows about journeys or Temporal, so a provider can be
 * swapped (SMTP relay → provider API, local SMS sink → Twilio) without touching activities.
 */
export { ChannelError, type ChannelErrorKind } from './errors.js';
export {
  createSmtpEmailChannel,
  type EmailChannel,
  type EmailMessage,
  type EmailSendResult,
  type SmtpEmailChannel,
  type SmtpEmailChannelOptions,
} from './email.js';
export { mapSmtpError } from './smtp-errors.js';
export {
  LocalSmsSink,
  type LocalSmsSinkOptions,
  type SinkSms,
  type SmsChannel,
  type SmsMessage,
  type SmsSendResult,
} from './sms.js';
export { countSmsSegments, isGsm7, type SmsEncoding, type SmsSegments } from './sms-segments.js';
export {
  createLocalPaymentLinks,
  publicLink,
  type LocalPaymentLinksOptions,
  type PaymentLinkRequest,
  type PaymentLinks,
} from './payments.js';
export {
  createHttpWebhookCaller,
  WebhookError,
  type HttpWebhookCallerOptions,
  type WebhookCaller,
  type WebhookRequest,
} from './webhooks.js';
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './webhook-signature.js';
export {
  signLinkToken,
  signToken,
  verifyLinkToken,
  verifyToken,
  type LinkClaims,
  type LinkPurpose,
  type SignedClaims,
  type TokenClaims,
} from './tokens.js';

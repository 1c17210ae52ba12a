/** Messages leaving the service for people: e-mail through an SMTP server, text messages through the operator's SMS gateway. Nothing is sent, and no connection opened, unless configured. */
export { SmtpMailer, type SmtpMail, type SmtpMailerOptions } from './smtp.js';
export { SmsWebhook, withoutDiacritics, type SmsWebhookOptions, type TextMessage } from './sms-webhook.js';

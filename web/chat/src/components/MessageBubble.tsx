// One message (or one album) in the chat: the bubble, its content and the buttons under it.

import type { CSSProperties, ReactNode } from 'react';
import type { ApiMessage, ApiPhotoSize, ViewMessage } from '../api/types.ts';
import { useChatActions } from '../chat/chat-actions.ts';
import { formatAmount } from '../format/money.ts';
import { formatBytes, formatTime, fullName } from '../format/misc.ts';
import { FormattedText } from './FormattedText.tsx';
import { DownloadIcon, FileIcon, LocationIcon, PhoneIcon, ReadTicksIcon } from './icons.tsx';
import { InlineKeyboard } from './InlineKeyboard.tsx';

/** Props of {@link MessageBubble}. */
export interface MessageBubbleProps {
  /** One message, or every message of an album in order. */
  group: ViewMessage[];
  /** Rounds the corner that points at the sender only on the last bubble of a run. */
  lastInRun: boolean;
}

/** A message bubble with its inline keyboard. */
export function MessageBubble({ group, lastInRun }: MessageBubbleProps): ReactNode {
  const first = group[0] as ViewMessage;
  const last = group.at(-1) as ViewMessage;
  const incoming = first.from_bot;
  const withCaption = group.find((message) => message.caption) ?? first;

  if (first.successful_payment) return <PaymentNotice message={first} />;

  const photos = group.filter((message) => message.photo && message.photo.length > 0);
  const isMedia = photos.length > 0 && !first.text;
  const body = first.invoice ? (
    <InvoiceCard message={first} />
  ) : (
    <>
      {first.reply_to_message ? <ReplyQuote message={first.reply_to_message} /> : null}
      {photos.length > 0 ? <PhotoGrid messages={photos} /> : null}
      {group.filter((message) => message.document).map((message) => <DocumentRow key={message.message_id} message={message} />)}
      {first.contact ? <ContactCard contact={first.contact} /> : null}
      {first.location ? <LocationCard location={first.location} /> : null}
      <MessageText message={withCaption} />
      {isUnsupported(first) ? <p className="bubble-unsupported">This message type is not shown in the sandbox.</p> : null}
    </>
  );
  const hasText = Boolean(first.text || withCaption.caption);

  return (
    <div className={`message-row ${incoming ? 'is-incoming' : 'is-outgoing'}`} data-message-id={first.message_id}>
      <div className="message-column">
        <div
          className={[
            'bubble',
            lastInRun ? 'is-last' : '',
            isMedia && !hasText ? 'is-media-only' : '',
            isMedia ? 'is-media' : '',
            first.invoice ? 'is-invoice' : '',
          ].join(' ')}
          style={{ '--meta-width': `${metaWidthPx(last, incoming)}px` } as CSSProperties}
        >
          {body}
          <MessageMeta message={last} incoming={incoming} overlay={isMedia && !hasText} />
        </div>
        {last.reply_markup && last.reply_markup.inline_keyboard.length > 0 && !first.invoice ? (
          <InlineKeyboard message={last} markup={last.reply_markup} />
        ) : null}
      </div>
    </div>
  );
}

/** Room the time (and "edited", and the ticks) needs at the end of the text. */
function metaWidthPx(message: ViewMessage, incoming: boolean): number {
  return 44 + (incoming ? 0 : 18) + (message.edited ? 42 : 0);
}

function MessageText({ message }: { message: ViewMessage }): ReactNode {
  const actions = useChatActions();
  const text = message.text ?? message.caption;
  if (!text) return null;
  const entities = message.text !== undefined ? message.entities : message.caption_entities;
  return (
    <div className="bubble-text" dir="auto">
      <FormattedText text={text} entities={entities} onCommand={message.from_bot ? actions.sendText : undefined} />
    </div>
  );
}

function MessageMeta({ message, incoming, overlay }: { message: ViewMessage; incoming: boolean; overlay: boolean }): ReactNode {
  return (
    <span className={`bubble-meta${overlay ? ' is-overlay' : ''}`}>
      {message.edited ? <span className="bubble-edited">edited</span> : null}
      <time dateTime={new Date(message.date * 1000).toISOString()}>{formatTime(message.edit_date ?? message.date)}</time>
      {incoming ? null : (
        <span className="bubble-ticks" aria-label="Delivered">
          <ReadTicksIcon size={16} />
        </span>
      )}
    </span>
  );
}

function ReplyQuote({ message }: { message: ApiMessage }): ReactNode {
  const author = message.from ? fullName(message.from) : 'Message';
  const preview = message.text ?? message.caption ?? (message.photo ? 'Photo' : message.document ? 'File' : 'Message');
  return (
    <div className="bubble-reply">
      <span className="bubble-reply-author">{author}</span>
      <span className="bubble-reply-text">{preview}</span>
    </div>
  );
}

function largest(sizes: ApiPhotoSize[]): ApiPhotoSize | undefined {
  return sizes.reduce<ApiPhotoSize | undefined>((best, size) => (!best || size.width * size.height > best.width * best.height ? size : best), undefined);
}

function PhotoGrid({ messages }: { messages: ViewMessage[] }): ReactNode {
  const actions = useChatActions();
  const single = messages.length === 1;
  return (
    <div className={`photo-grid photo-count-${Math.min(messages.length, 4)}${single ? ' is-single' : ''}`}>
      {messages.map((message, index) => {
        const photo = largest(message.photo ?? []);
        if (!photo) return null;
        const src = actions.fileUrl(photo.file_id);
        const alt = message.caption ? `Photo: ${message.caption.slice(0, 80)}` : `Photo ${index + 1}`;
        const ratio = photo.width > 0 && photo.height > 0 ? photo.width / photo.height : 4 / 3;
        return (
          <button
            key={message.message_id}
            type="button"
            className="photo-cell"
            style={single ? { aspectRatio: String(Math.min(Math.max(ratio, 0.6), 2.2)) } : undefined}
            onClick={() => actions.openPhoto(src, alt)}
            aria-label={`Open ${alt.toLowerCase()}`}
          >
            <img src={src} alt={alt} loading="lazy" width={photo.width || undefined} height={photo.height || undefined} />
          </button>
        );
      })}
    </div>
  );
}

function DocumentRow({ message }: { message: ViewMessage }): ReactNode {
  const actions = useChatActions();
  const document = message.document;
  if (!document) return null;
  const name = document.file_name ?? 'file';
  const extension = name.includes('.') ? (name.split('.').pop() ?? '').slice(0, 4).toUpperCase() : '';
  return (
    <a className="document" href={actions.fileUrl(document.file_id)} download={name} aria-label={`Download ${name}`}>
      <span className="document-icon" aria-hidden="true">
        {extension ? <span className="document-extension">{extension}</span> : <FileIcon size={22} />}
        <span className="document-download">
          <DownloadIcon size={18} />
        </span>
      </span>
      <span className="document-info">
        <span className="document-name">{name}</span>
        <span className="document-size">{[formatBytes(document.file_size), document.mime_type].filter(Boolean).join(' · ')}</span>
      </span>
    </a>
  );
}

function ContactCard({ contact }: { contact: NonNullable<ApiMessage['contact']> }): ReactNode {
  return (
    <div className="contact-card">
      <span className="contact-icon" aria-hidden="true">
        <PhoneIcon size={20} />
      </span>
      <span>
        <span className="contact-name">{[contact.first_name, contact.last_name].filter(Boolean).join(' ')}</span>
        <span className="contact-phone">{contact.phone_number}</span>
      </span>
    </div>
  );
}

function LocationCard({ location }: { location: NonNullable<ApiMessage['location']> }): ReactNode {
  return (
    <div className="contact-card">
      <span className="contact-icon" aria-hidden="true">
        <LocationIcon size={20} />
      </span>
      <span>
        <span className="contact-name">Location</span>
        <span className="contact-phone">
          {location.latitude.toFixed(5)}, {location.longitude.toFixed(5)}
        </span>
      </span>
    </div>
  );
}

function InvoiceCard({ message }: { message: ViewMessage }): ReactNode {
  const actions = useChatActions();
  const invoice = message.invoice;
  if (!invoice) return null;
  const paid = actions.paidInvoices.includes(message.message_id);
  const price = formatAmount(invoice.total_amount, invoice.currency, actions.languageCode);
  const payButton = message.reply_markup?.inline_keyboard.flat().find((button) => button.pay);
  const otherRows = message.reply_markup?.inline_keyboard
    .map((row) => row.filter((button) => !button.pay))
    .filter((row) => row.length > 0);
  return (
    <div className="invoice">
      <div className="invoice-title">{invoice.title}</div>
      <div className="invoice-description" dir="auto">
        {invoice.description}
      </div>
      <div className="invoice-price">
        <span className="invoice-amount">{price}</span>
        <span className="invoice-label">{invoice.currency === 'XTR' ? 'Telegram Stars' : 'Invoice'}</span>
      </div>
      <button type="button" className="invoice-pay" disabled={paid} onClick={() => actions.openInvoice(message)}>
        {paid ? 'Paid ✓' : payButton?.text ?? `Pay ${price}`}
      </button>
      {otherRows && otherRows.length > 0 ? <InlineKeyboard message={message} markup={{ inline_keyboard: otherRows }} /> : null}
    </div>
  );
}

function PaymentNotice({ message }: { message: ViewMessage }): ReactNode {
  const actions = useChatActions();
  const payment = message.successful_payment as { total_amount?: number; currency?: string } | undefined;
  const amount = payment?.total_amount !== undefined && payment.currency ? formatAmount(payment.total_amount, payment.currency, actions.languageCode) : '';
  return (
    <div className="service-message" role="status" data-message-id={message.message_id}>
      <span>You paid {amount}</span>
    </div>
  );
}

const SHOWN_FIELDS = ['text', 'caption', 'photo', 'document', 'contact', 'location', 'invoice', 'successful_payment'];

function isUnsupported(message: ViewMessage): boolean {
  return !SHOWN_FIELDS.some((field) => message[field] !== undefined);
}

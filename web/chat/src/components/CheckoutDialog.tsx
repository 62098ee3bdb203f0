// Telegram's payment sheet, simulated: the invoice, its total, and a Pay button that runs the
// simulator's flow (pre_checkout_query to the bot, then successful_payment). The bot may
// decline at pre-checkout; its reason is shown here as Telegram would.

import { useState, type ReactNode } from 'react';
import type { ViewMessage } from '../api/types.ts';
import { formatAmount } from '../format/money.ts';
import { Dialog } from './Dialog.tsx';

/** Props of {@link CheckoutDialog}. */
export interface CheckoutDialogProps {
  message: ViewMessage;
  languageCode: string;
  /** Runs the payment; resolves with the bot's refusal reason, or null when paid. */
  onPay(): Promise<string | null>;
  onClose(): void;
}

/** The checkout sheet for one invoice message. */
export function CheckoutDialog({ message, languageCode, onPay, onClose }: CheckoutDialogProps): ReactNode {
  const [state, setState] = useState<{ step: 'ready' | 'paying' | 'paid' } | { step: 'declined'; reason: string }>({ step: 'ready' });
  const invoice = message.invoice;
  if (!invoice) return null;
  const total = formatAmount(invoice.total_amount, invoice.currency, languageCode);
  const stars = invoice.currency === 'XTR';

  const pay = async () => {
    setState({ step: 'paying' });
    const refusal = await onPay();
    setState(refusal === null ? { step: 'paid' } : { step: 'declined', reason: refusal });
  };

  return (
    <Dialog
      title="Checkout"
      onClose={onClose}
      className="checkout"
      actions={
        state.step === 'paid' || state.step === 'declined' ? (
          <button type="button" className="text-button is-primary" onClick={onClose} autoFocus>
            Close
          </button>
        ) : (
          <button type="button" className="pay-button" disabled={state.step === 'paying'} onClick={() => void pay()} autoFocus>
            {state.step === 'paying' ? 'Processing…' : `Pay ${total}`}
          </button>
        )
      }
    >
      <div className="checkout-item">
        <div className="checkout-title">{invoice.title}</div>
        <div className="checkout-description">{invoice.description}</div>
      </div>
      <dl className="checkout-lines">
        <div>
          <dt>Payment method</dt>
          <dd>{stars ? 'Telegram Stars (simulated)' : 'Test card •••• 4242 (simulated)'}</dd>
        </div>
        <div className="checkout-total">
          <dt>Total</dt>
          <dd>{total}</dd>
        </div>
      </dl>
      {state.step === 'paid' ? (
        <p className="checkout-result is-ok" role="status">
          Payment successful. The bot has been told.
        </p>
      ) : null}
      {state.step === 'declined' ? (
        <p className="checkout-result is-error" role="alert">
          {state.reason}
        </p>
      ) : null}
      <p className="checkout-note">Sandbox: no money moves. The bot receives the same updates as from Telegram.</p>
    </Dialog>
  );
}

// The order just placed: how to pay it. Telegram's own invoices (card, Stars where the goods
// allow them) open in Telegram's payment sheet (`openInvoice`); a gateway's page opens as a
// link; a QR code is shown here; a transfer and anything else is finished in the chat.

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { money } from '../../i18n.ts';
import { haptic, WebApp } from '../../telegram.ts';
import type { PlacedOrder, ShopScreenProps } from './types.ts';

interface Method {
  id: string;
  label: string;
  available: boolean;
  in_app: boolean;
}

type Started =
  | { type: 'invoice'; invoice_link: string }
  | { type: 'link'; url: string }
  | { type: 'qr'; qr_png: string; reference: string; receiver: string | null }
  | { type: 'manual'; requisites: string };

interface OrderState {
  status_label: string;
  pay_online: boolean;
  pay_on_delivery: boolean;
  awaits_payment: boolean;
}

export function OrderScreen(props: ShopScreenProps & { order: PlacedOrder }): ReactNode {
  const { t, session, order, reset } = props;
  const locale = session.locale;
  const [state, setState] = useState<OrderState>();
  const [methods, setMethods] = useState<Method[]>([]);
  const [outcome, setOutcome] = useState<'paid' | 'on_delivery' | Started>();
  const [note, setNote] = useState<string>();

  const refresh = async () => {
    const answer = await api<{ order: OrderState }>('GET', `/orders/${order.id}`);
    setState(answer.order);
    if (answer.order.pay_online) {
      const options = await api<{ methods: Method[] }>('GET', `/payments/options?purpose=order&ref=${order.id}`);
      setMethods(options.methods);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  const pay = async (method: Method) => {
    haptic.impact();
    setNote(undefined);
    try {
      const started = await api<Started>('POST', '/payments', { purpose: 'order', ref: String(order.id), method: method.id });
      if (started.type === 'invoice') {
        WebApp.openInvoice(started.invoice_link, (status) => {
          if (status === 'paid') {
            haptic.notify('success');
            setOutcome('paid');
          } else setNote(t('order.cancelled_payment'));
        });
        return;
      }
      if (started.type === 'link') WebApp.openLink(started.url);
      setOutcome(started);
    } catch (failure) {
      haptic.notify('error');
      setNote(failure instanceof ApiError ? failure.message : String(failure));
    }
  };

  const onDelivery = async () => {
    try {
      await api('POST', `/orders/${order.id}/pay-on-delivery`);
      haptic.notify('success');
      setOutcome('on_delivery');
    } catch (failure) {
      setNote(failure instanceof ApiError ? failure.message : String(failure));
    }
  };

  return (
    <main className="screen">
      <h1>{t('order.title', { number: order.number })}</h1>
      <p role="status">{t('order.placed', { number: order.number })}</p>
      <p className="total">
        <span>{state?.status_label ?? ''}</span>
        <strong>{money(order.total_minor, order.currency, locale)}</strong>
      </p>
      {outcome === 'paid' ? <p className="notice success" role="status">{t('order.paid')}</p> : null}
      {outcome === 'on_delivery' ? <p className="notice success" role="status">{t('order.on_delivery')}</p> : null}
      {typeof outcome === 'object' && outcome.type === 'qr' ? (
        <figure className="qr">
          <img src={outcome.qr_png} alt="QR" width={240} height={240} />
          <figcaption>{t('order.qr')} {outcome.receiver ?? ''} · {outcome.reference}</figcaption>
        </figure>
      ) : null}
      {typeof outcome === 'object' && outcome.type === 'manual' ? (
        <p className="notice">
          {t('order.manual')}
          <br />
          {outcome.requisites}
        </p>
      ) : null}
      {typeof outcome === 'object' && outcome.type === 'link' ? (
        <button type="button" className="button wide" onClick={() => WebApp.openLink(outcome.url)}>
          {t('order.link')}
        </button>
      ) : null}
      {outcome === undefined && state?.awaits_payment ? (
        <section aria-label={t('order.pay')}>
          <h2>{t('order.pay')}</h2>
          <div className="methods">
            {methods
              .filter((method) => method.in_app)
              .map((method) => (
                <button key={method.id} type="button" className="button wide" disabled={!method.available} onClick={() => void pay(method)}>
                  {method.label}
                </button>
              ))}
            {state.pay_on_delivery ? (
              <button type="button" className="button secondary wide" onClick={() => void onDelivery()}>
                {t('order.pay_on_delivery')}
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
      {note ? <p className="notice" role="alert">{note}</p> : null}
      <button type="button" className="link-button" onClick={() => reset({ name: 'store' })}>
        {t('order.back_to_shop')}
      </button>
    </main>
  );
}

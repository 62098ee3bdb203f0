// Checkout: delivery (a pickup point or a courier to an address), phone and comment; the total
// with the delivery fee is quoted by the server, and the order is placed only if nothing moved.

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { money } from '../../i18n.ts';
import { haptic } from '../../telegram.ts';
import type { Cart, PlacedOrder, ShopScreenProps } from './types.ts';

interface Options {
  pickup_points: { id: string; name: string }[];
  courier: { fee_minor: number; free_from_minor: number | null } | null;
  phone: string | null;
  phone_example: string;
}

interface Quote {
  cart: Cart;
  delivery_fee_minor: number;
  total_minor: number;
  signature: string;
}

export function CheckoutScreen(props: ShopScreenProps): ReactNode {
  const { t, session, setCart, reset } = props;
  const locale = session.locale;
  const [options, setOptions] = useState<Options>();
  const [method, setMethod] = useState<'pickup' | 'courier'>('pickup');
  const [point, setPoint] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [comment, setComment] = useState('');
  const [quote, setQuote] = useState<Quote>();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();

  useEffect(() => {
    void api<Options>('GET', '/cart/checkout').then((answer) => {
      setOptions(answer);
      setPhone(answer.phone ?? '');
      setPoint(answer.pickup_points[0]?.id ?? '');
      if (answer.pickup_points.length === 0 && answer.courier) setMethod('courier');
    });
  }, []);

  const delivery = method === 'pickup' ? { method, pickup_point: point } : { method, address };
  const deliveryReady = method === 'pickup' ? point !== '' : address.trim().length >= 5;
  useEffect(() => {
    if (!options) return;
    const body = deliveryReady ? { delivery } : {};
    void api<Quote>('POST', '/cart/quote', body).then(setQuote);
    // The quote follows the delivery choice; an address is priced once it is long enough (not per keystroke).
  }, [options, method, point, deliveryReady]);

  const place = async () => {
    if (!quote) return;
    setBusy(true);
    setNote(undefined);
    try {
      const answer = await api<{ order: PlacedOrder }>('POST', '/cart/checkout', { delivery, phone, ...(comment.trim() ? { comment } : {}), signature: quote.signature });
      haptic.notify('success');
      setCart({ lines: [], currency: quote.cart.currency, total_minor: 0, units: 0 });
      reset({ name: 'order', order: answer.order });
    } catch (failure) {
      haptic.notify('error');
      if (failure instanceof ApiError && failure.code === 'cart.changed') {
        setQuote(failure.details.quote as Quote);
        setNote(t('checkout.changed'));
      } else setNote(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const ready = quote !== undefined && quote.cart.lines.length > 0 && deliveryReady && phone.trim().length >= 5;
  useMainButton(quote ? t('checkout.place', { total: money(quote.total_minor, quote.cart.currency, locale) }) : undefined, () => void place(), { active: ready, progress: busy });

  if (!options) return <main className="screen centered">{t('loading')}</main>;
  return (
    <main className="screen">
      <h1>{t('checkout.title')}</h1>
      <form className="form" onSubmit={(event) => event.preventDefault()}>
        <fieldset className="segmented">
          <legend>{t('checkout.delivery')}</legend>
          {options.pickup_points.length > 0 ? (
            <label className={method === 'pickup' ? 'is-active' : ''}>
              <input type="radio" name="method" checked={method === 'pickup'} onChange={() => setMethod('pickup')} />
              {t('checkout.pickup')}
            </label>
          ) : null}
          {options.courier ? (
            <label className={method === 'courier' ? 'is-active' : ''}>
              <input type="radio" name="method" checked={method === 'courier'} onChange={() => setMethod('courier')} />
              {t('checkout.courier')}
            </label>
          ) : null}
        </fieldset>
        {method === 'pickup' ? (
          <label>
            {t('checkout.point')}
            <select value={point} onChange={(event) => setPoint(event.target.value)}>
              {options.pickup_points.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {t('checkout.address')}
            <textarea rows={2} maxLength={300} value={address} onChange={(event) => setAddress(event.target.value)} autoComplete="street-address" />
          </label>
        )}
        <label>
          {t('checkout.phone')}
          <input type="tel" value={phone} placeholder={options.phone_example} onChange={(event) => setPhone(event.target.value)} autoComplete="tel" />
        </label>
        <label>
          {t('checkout.comment')}
          <textarea rows={2} maxLength={500} value={comment} onChange={(event) => setComment(event.target.value)} />
        </label>
      </form>
      {quote ? (
        <dl className="summary">
          {quote.cart.lines.map((line) => (
            <div key={line.id}>
              <dt>
                {line.variant_title ? `${line.title} (${line.variant_title})` : line.title} × {line.quantity}
              </dt>
              <dd>{money(line.line_total_minor, quote.cart.currency, locale)}</dd>
            </div>
          ))}
          {method === 'courier' ? (
            <div>
              <dt>{t('checkout.fee')}</dt>
              <dd>{quote.delivery_fee_minor === 0 ? t('checkout.free') : money(quote.delivery_fee_minor, quote.cart.currency, locale)}</dd>
            </div>
          ) : null}
          <div className="total">
            <dt>{t('cart.total')}</dt>
            <dd>{money(quote.total_minor, quote.cart.currency, locale)}</dd>
          </div>
        </dl>
      ) : null}
      {note ? <p className="notice" role="alert">{note}</p> : null}
    </main>
  );
}

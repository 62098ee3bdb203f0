// The cart: the same lines as the chat's /cart, with − and + and a MainButton to check out.

import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { useMainButton } from '../../buttons.ts';
import { money } from '../../i18n.ts';
import { haptic } from '../../telegram.ts';
import type { Cart, ShopScreenProps } from './types.ts';

export function CartScreen(props: ShopScreenProps): ReactNode {
  const { t, session, cart, setCart, open } = props;
  const locale = session.locale;
  const [note, setNote] = useState<string>();

  // The chat may have changed the cart since the app opened: read it again.
  useEffect(() => {
    void api<{ cart: Cart }>('GET', '/cart').then((answer) => setCart(answer.cart));
  }, [setCart]);

  const change = async (lineId: number, quantity: number) => {
    haptic.select();
    setNote(undefined);
    try {
      const answer = quantity === 0 ? await api<{ cart: Cart }>('DELETE', `/cart/items/${lineId}`) : await api<{ cart: Cart }>('PATCH', `/cart/items/${lineId}`, { quantity });
      setCart(answer.cart);
    } catch (failure) {
      haptic.notify('warning');
      setNote(failure instanceof ApiError ? failure.message : String(failure));
    }
  };

  useMainButton(cart && cart.lines.length > 0 ? t('cart.checkout', { total: money(cart.total_minor, cart.currency, locale) }) : undefined, () => open({ name: 'checkout' }));

  if (!cart) return <main className="screen centered">{t('loading')}</main>;
  return (
    <main className="screen">
      <h1>{t('cart.title')}</h1>
      {cart.lines.length === 0 ? <p className="muted">{t('cart.empty')}</p> : null}
      <ul className="lines" aria-label={t('cart.title')}>
        {cart.lines.map((line) => (
          <li key={line.id} className="line">
            <div className="line-text">
              <span className="line-title">{line.variant_title ? `${line.title} (${line.variant_title})` : line.title}</span>
              <span className="muted">{money(line.unit_price_minor, cart.currency, locale)}</span>
            </div>
            <div className="stepper">
              <button type="button" aria-label={`− ${line.title}`} onClick={() => void change(line.id, line.quantity - 1)}>
                −
              </button>
              <span aria-label="quantity">{line.quantity}</span>
              <button type="button" aria-label={`+ ${line.title}`} disabled={line.quantity >= line.stock} onClick={() => void change(line.id, line.quantity + 1)}>
                +
              </button>
            </div>
          </li>
        ))}
      </ul>
      {note ? <p className="notice" role="status">{note}</p> : null}
      {cart.lines.length > 0 ? (
        <p className="total">
          <span>{t('cart.total')}</span>
          <strong>{money(cart.total_minor, cart.currency, locale)}</strong>
        </p>
      ) : null}
    </main>
  );
}

// The shop in the Mini App: the storefront, a product, the cart (the chat's cart), checkout and
// paying for the order. Screens are a stack; Telegram's BackButton goes back one.

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api.ts';
import type { SectionProps } from '../section.ts';
import { useBackButton } from '../../buttons.ts';
import { CartScreen } from './CartScreen.tsx';
import { CheckoutScreen } from './CheckoutScreen.tsx';
import { OrderScreen } from './OrderScreen.tsx';
import { ProductScreen } from './ProductScreen.tsx';
import { StoreScreen } from './StoreScreen.tsx';
import type { Cart, Screen, ShopScreenProps } from './types.ts';

export function ShopSection(props: SectionProps): ReactNode {
  const [stack, setStack] = useState<Screen[]>([{ name: 'store' }]);
  const [cart, setCart] = useState<Cart>();
  const screen = stack[stack.length - 1] ?? { name: 'store' };

  useEffect(() => {
    void api<{ cart: Cart }>('GET', '/cart').then((answer) => setCart(answer.cart));
  }, []);
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [stack.length]);

  const open = useCallback((next: Screen) => setStack((current) => [...current, next]), []);
  const reset = useCallback((next: Screen) => setStack([next]), []);
  useBackButton(stack.length > 1 ? () => setStack((current) => current.slice(0, -1)) : undefined);

  const shared: ShopScreenProps = { ...props, cart, setCart, open, reset };
  switch (screen.name) {
    case 'store':
      return <StoreScreen {...shared} />;
    case 'product':
      return <ProductScreen key={screen.id} {...shared} id={screen.id} />;
    case 'cart':
      return <CartScreen {...shared} />;
    case 'checkout':
      return <CheckoutScreen {...shared} />;
    case 'order':
      return <OrderScreen {...shared} order={screen.order} />;
  }
}

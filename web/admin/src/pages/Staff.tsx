// Staff: who may use the panel and with which role. People with a Telegram id log in by
// sending /admin to the bot; a login and password is for those who cannot.

import { useState } from 'react';
import { api, useResource } from '../api.ts';
import { FormDialog } from '../components/data.tsx';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Field, PageHeader, toast, useErrorText } from '../components/ui.tsx';
import { dateTime, relative } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { useSession, type Role } from '../session.tsx';

interface StaffMember {
  id: number;
  telegramId: number | null;
  login: string | null;
  displayName: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

const ROLES: readonly Role[] = ['owner', 'manager', 'support', 'accountant'];

/** The staff page. */
export function StaffPage() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const errorText = useErrorText();
  const resource = useResource<{ staff: StaffMember[] }>('/api/admin/staff');
  const [adding, setAdding] = useState(false);

  const update = async (member: StaffMember, changes: { role?: Role; disabled?: boolean }) => {
    try {
      await api('PATCH', `/api/admin/staff/${member.id}`, changes);
      toast(t('common.saved'));
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    }
  };

  return (
    <>
      <PageHeader
        title={t('staff.title')}
        subtitle={t('staff.subtitle')}
        actions={
          <Button variant="primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> {t('staff.add')}
          </Button>
        }
      />
      <div className="roles-legend">
        {ROLES.map((role) => (
          <p key={role}>
            <Badge tone={role === 'owner' ? 'accent' : 'neutral'}>{t(`role.${role}` as MessageKey)}</Badge> <span className="muted small">{t(`staff.roleHint.${role}` as MessageKey)}</span>
          </p>
        ))}
      </div>
      <Card padded={false}>
        <Async resource={resource} rows={4}>
          {(data) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('staff.name')}</th>
                    <th>{t('staff.role')}</th>
                    <th className="hide-sm">{t('staff.signIn')}</th>
                    <th className="hide-sm">{t('staff.lastLogin')}</th>
                    <th>
                      <span className="visually-hidden">{t('payments.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.staff.map((member) => {
                    const self = member.id === me.staff.id;
                    return (
                      <tr key={member.id} className={member.disabled ? 'row-muted' : undefined}>
                        <td>
                          {member.displayName} {self ? <Badge tone="info">{t('staff.you')}</Badge> : null} {member.disabled ? <Badge tone="danger">{t('staff.disabled')}</Badge> : null}
                        </td>
                        <td>
                          <label className="visually-hidden" htmlFor={`role-${member.id}`}>
                            {t('staff.role')}
                          </label>
                          <select id={`role-${member.id}`} value={member.role} disabled={self || member.disabled} onChange={(event) => void update(member, { role: event.target.value as Role })}>
                            {ROLES.map((role) => (
                              <option key={role} value={role}>
                                {t(`role.${role}` as MessageKey)}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td className="hide-sm muted small">{[member.telegramId ? `Telegram ${member.telegramId}` : null, member.login ? `${t('login.login')}: ${member.login}` : null].filter(Boolean).join(' · ')}</td>
                        <td className="hide-sm muted" title={member.lastLoginAt ? dateTime(member.lastLoginAt, locale, me.business.timeZone) : undefined}>
                          {member.lastLoginAt ? relative(member.lastLoginAt, Date.now(), locale) : t('staff.never')}
                        </td>
                        <td className="actions">
                          {self ? null : member.disabled ? (
                            <Button size="sm" onClick={() => void update(member, { disabled: false })}>
                              {t('staff.enable')}
                            </Button>
                          ) : (
                            <Button size="sm" variant="ghost" onClick={() => window.confirm(t('staff.disableConfirm', { name: member.displayName })) && void update(member, { disabled: true })}>
                              {t('staff.disable')}
                            </Button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </Card>
      {adding ? <AddStaff onClose={() => setAdding(false)} onAdded={resource.reload} /> : null}
    </>
  );
}

function AddStaff(props: { onClose(): void; onAdded(): void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('manager');
  const [telegramId, setTelegramId] = useState('');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const send = async () => {
    await api('POST', '/api/admin/staff', {
      displayName: name.trim(),
      role,
      ...(telegramId ? { telegramId: Number(telegramId) } : {}),
      ...(login ? { login: login.trim(), password } : {}),
    });
    toast(t('staff.added'));
    props.onAdded();
    props.onClose();
  };
  return (
    <FormDialog title={t('staff.add')} formId="staff-form" submitLabel={t('common.add')} ready={Boolean(name.trim()) && Boolean(telegramId || (login && password))} send={send} onClose={props.onClose}>
      <Field label={t('staff.name')}>
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={128} />
      </Field>
      <Field label={t('staff.role')}>
        <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ROLES.map((item) => (
            <option key={item} value={item}>
              {t(`role.${item}` as MessageKey)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Telegram id" hint={t('staff.telegramHint')}>
        <input inputMode="numeric" value={telegramId} onChange={(event) => setTelegramId(event.target.value.replace(/\D/g, ''))} />
      </Field>
      <details>
        <summary>{t('staff.passwordLogin')}</summary>
        <div className="form">
          <Field label={t('login.login')}>
            <input value={login} autoComplete="off" onChange={(event) => setLogin(event.target.value)} />
          </Field>
          <Field label={t('login.password')} hint={t('staff.passwordHint')}>
            <input type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          </Field>
        </div>
      </details>
    </FormDialog>
  );
}

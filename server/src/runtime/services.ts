import { createScopeIndex, type Catalogue, type Clock, type Db, type ScopeIndex } from '@ioc/core';
import { AuthService } from '../auth/auth.service';
import { Policy } from '../policy/policy';
import { UsersService } from '../users/users.service';

export interface AccountServices {
  scopes: ScopeIndex;
  policy: Policy;
  auth: AuthService;
  users: UsersService;
}

/** The account services over one store and catalogue: what the server, the CLI and tests share. */
export function createAccountServices(o: { db: Db; clock: Clock; catalogue: Catalogue }): AccountServices {
  const scopes = createScopeIndex(o.catalogue);
  const policy = new Policy(scopes);
  return {
    scopes,
    policy,
    auth: new AuthService({ db: o.db, clock: o.clock }),
    users: new UsersService({ db: o.db, clock: o.clock, scopes, policy }),
  };
}

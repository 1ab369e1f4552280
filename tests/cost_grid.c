/* tests/cost_grid.c: evaluate many cost formulas in one process for
 * tests/test_cost_app.py (which compares them with tests/peers/cost_peer.py).
 * Reads lines "METHOD N_SPIN LAMBDA DE CHI BETA L LXI M" (unused fields 0)
 * from stdin and prints "STEP TOTAL QUBITS" or "refused <message>" per line. */
#include <stdio.h>
#include <string.h>

#include "qclr.h"

int main(void) {
  char method[8];
  long long n, L, lxi, M;
  double lam, de;
  int chi, beta;
  while (scanf("%7s %lld %lf %lf %d %d %lld %lld %lld", method, &n, &lam, &de, &chi, &beta, &L, &lxi, &M) == 9) {
    qclr_cost_options o;
    qclr_cost_options_default(&o);
    o.de = de;
    o.chi = chi;
    if (beta) o.beta = beta;
    qclr_cost_result r;
    int rc = !strcmp(method, "sf")   ? qclr_cost_sf(n, lam, L, &o, &r)
             : !strcmp(method, "df") ? qclr_cost_df(n, lam, L, lxi, &o, &r)
                                     : qclr_cost_thc(n, lam, M, &o, &r);
    if (rc) printf("refused %s\n", qclr_last_error());
    else printf("%lld %lld %lld\n", (long long)r.toffolis_per_step, (long long)r.toffolis_total,
                (long long)r.logical_qubits);
  }
  return 0;
}

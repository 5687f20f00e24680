(** * Tactics for exported proofs: a term's real function as a formula the [interval] tactic reads.

    [interval] knows +, -, *, /, |.|, exp (and more) but not [Rmax] or [Rmin]; [Rmax_abs] and
    [Rmin_abs] rewrite them with absolute values. *)
From Coq Require Import Reals QArith Qreals Lra.
From Certify Require Import Expr.
Open Scope R_scope.

Lemma Rmax_abs : forall a b, Rmax a b = (a + b + Rabs (a - b)) / 2.
Proof.
  intros a b. unfold Rmax. destruct (Rle_dec a b).
  - rewrite Rabs_left1 by lra. lra.
  - rewrite Rabs_right by lra. lra.
Qed.

Lemma Rmin_abs : forall a b, Rmin a b = (a + b - Rabs (a - b)) / 2.
Proof.
  intros a b. unfold Rmin. destruct (Rle_dec a b).
  - rewrite Rabs_left1 by lra. lra.
  - rewrite Rabs_right by lra. lra.
Qed.

(** Unfold [evalR] of a concrete term (after its name is unfolded) into a formula in exp and |.|. *)
Ltac unfold_expr :=
  cbv [evalR tanh sigmoid Q2R Qnum Qden]; rewrite ?Rmax_abs, ?Rmin_abs.

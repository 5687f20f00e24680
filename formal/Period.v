(** * Periodic points of continuous maps of the line: covering relations and the Li-Yorke argument. *)
From Coq Require Import Reals Lra List.
Open Scope R_scope.

Fixpoint iter (f : R -> R) (n : nat) (x : R) : R :=
  match n with O => x | S k => f (iter f k x) end.

(** [x] has minimal period [p]: it returns after [p] steps and not before. *)
Definition has_minimal_period (f : R -> R) (p : nat) (x : R) : Prop :=
  (0 < p)%nat /\ iter f p x = x /\ forall k, (0 < k < p)%nat -> iter f k x <> x.

(** [f] maps [a, b] over [c, d]: every value in [c, d] is taken on [a, b]. *)
Definition covers (f : R -> R) (a b c d : R) : Prop :=
  forall y, c <= y <= d -> exists x, a <= x <= b /\ f x = y.

(** The covering lemma: if f([a, b]) contains [c, d], some closed [u, v] in [a, b] has f([u, v]) = [c, d]. *)
Lemma covering_lemma (f : R -> R) (a b c d : R) :
  continuity f -> c <= d -> covers f a b c d ->
  exists u v, a <= u /\ u <= v /\ v <= b /\ (forall x, u <= x <= v -> c <= f x <= d) /\ covers f u v c d.
Admitted.

(** A loop of coverings I_0 -> I_1 -> ... -> I_(p-1) -> I_0 ([Is] = I_0 :: ... :: I_(p-1)) gives a
    point of I_0 whose k-th iterate lies in I_k and whose p-th iterate is itself. *)
Definition interval_ok (I : R * R) : Prop := fst I <= snd I.
Definition in_interval (I : R * R) (x : R) : Prop := fst I <= x <= snd I.

Theorem covering_loop (f : R -> R) (Is : list (R * R)) :
  continuity f -> Is <> nil -> Forall interval_ok Is ->
  (forall k, (k < length Is)%nat ->
     let I := nth k Is (0, 0) in let J := nth (S k mod length Is) Is (0, 0) in
     covers f (fst I) (snd I) (fst J) (snd J)) ->
  exists x, iter f (length Is) x = x /\
    forall k, (k < length Is)%nat -> in_interval (nth k Is (0, 0)) (iter f k x).
Admitted.

(** Li and Yorke: f^3(a) <= a < f(a) < f^2(a) (or all reversed) gives a point of minimal period 3. *)
Theorem li_yorke (f : R -> R) (a : R) :
  continuity f ->
  (iter f 3 a <= a < f a /\ f a < f (f a)) \/ (f (f a) < f a /\ f a < a <= iter f 3 a) ->
  exists x, has_minimal_period f 3 x.
Admitted.

(** The same from enclosures of f(a), f^2(a), f^3(a): what the [interval] tactic proves. *)
Theorem li_yorke_enclosures (f : R -> R) (a l1 u1 l2 u2 l3 u3 : R) :
  continuity f ->
  l1 <= f a <= u1 ->
  (forall y, l1 <= y <= u1 -> l2 <= f y <= u2) ->
  (forall y, l2 <= y <= u2 -> l3 <= f y <= u3) ->
  u3 <= a -> a < l1 -> u1 < l2 ->
  exists x, has_minimal_period f 3 x.
Admitted.

Theorem li_yorke_enclosures_rev (f : R -> R) (a l1 u1 l2 u2 l3 u3 : R) :
  continuity f ->
  l1 <= f a <= u1 ->
  (forall y, l1 <= y <= u1 -> l2 <= f y <= u2) ->
  (forall y, l2 <= y <= u2 -> l3 <= f y <= u3) ->
  a <= l3 -> u1 < a -> u2 < l1 ->
  exists x, has_minimal_period f 3 x.
Admitted.

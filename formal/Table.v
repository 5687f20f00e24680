(** * Piecewise-linear maps as tables: fast exact checks of the absence of period p.

    [check_no_period] re-derives f's affine form from the term on every segment and at every
    step; for a network with many units and long rationals that is slow.  Here f is given once
    as a table: breaks [ts] and one form (a, b) per piece, checked against the term by [aff]
    ([table_ok]).  A segment of the partition for f^p then carries its itinerary: the piece of
    the table that holds its k-th image, so each step costs two comparisons and one composition. *)
From Coq Require Import Reals QArith Qreals Lra List Bool.
From Certify Require Import Expr Period PL.
Import ListNotations.
Open Scope R_scope.

(** On the k-th segment of [segments ts], f is x |-> a_k x + b_k. *)
Definition form_ok (e : expr) (s : seg) (f : Q * Q) : bool :=
  match aff e s with
  | Some (a, b) => Qeq_bool a (fst f) && Qeq_bool b (snd f)
  | None => false
  end.

Definition table_ok (e : expr) (ts : list Q) (forms : list (Q * Q)) : bool :=
  increasing ts && Nat.eqb (length forms) (S (length ts)) &&
  forallb (fun sf => form_ok e (fst sf) (snd sf)) (combine (segments ts) forms).

(** [s] lies inside [P]. *)
Definition within (s P : seg) : bool :=
  (match lo P with None => true | Some l => match lo s with Some x => Qle_bool l x | None => false end end) &&
  (match hi P with None => true | Some h => match hi s with Some x => Qle_bool x h | None => false end end).

(** The form of f^(length ks) on [s], following the itinerary [ks] through the table. *)
Fixpoint iter_table (ts : list Q) (forms : list (Q * Q)) (ks : list nat) (s : seg) : option (Q * Q) :=
  match ks with
  | [] => Some (1%Q, 0%Q)
  | k :: r =>
      let P := nth k (segments ts) (Seg None None) in
      let '(a, b) := nth k forms (0%Q, 0%Q) in
      if Nat.ltb k (length forms) && within s P then
        match iter_table ts forms r (image a b s) with
        | Some (c, d) => Some (qred_aff (c * a) (c * b + d))
        | None => None
        end
      else None
  end.

Theorem iter_table_sound : forall e ts forms, table_ok e ts forms = true ->
  forall ks s a b, iter_table ts forms ks s = Some (a, b) ->
  forall x, in_seg s x -> iter (evalR e) (length ks) x = Q2R a * x + Q2R b.
Admitted.

(** Some 0 < k < p has f^k = id on all of [s] (along the first k steps of the itinerary). *)
Definition identity_early_t (ts : list Q) (forms : list (Q * Q)) (ks : list nat) (s : seg) : bool :=
  existsb (fun k => match iter_table ts forms (firstn k ks) s with
                    | Some (a, b) => Qeq_bool a 1 && Qeq_bool b 0
                    | None => false end) (seq 1 (pred (length ks))).

(** On [s] with itinerary [ks] (of length p), f^p is affine and each of its fixed points returns
    before step p (computed exactly from the term). *)
Definition piece_ok_t (e : expr) (ts : list Q) (forms : list (Q * Q)) (s : seg) (ks : list nat) : bool :=
  match iter_table ts forms ks s with
  | None => false
  | Some (a, b) =>
      if Qeq_bool a 1 then
        (negb (Qeq_bool b 0)) || identity_early_t ts forms ks s
      else
        let x := Qred (b / (1 - a)) in
        negb (in_seg_b s x) || returns_early e (length ks) x
  end.

Definition check_no_period_table (e : expr) (p : nat) (ts : list Q) (forms : list (Q * Q))
    (cuts : list Q) (itins : list (list nat)) : bool :=
  table_ok e ts forms && increasing cuts &&
  Nat.eqb (length itins) (S (length cuts)) &&
  forallb (fun ks => Nat.eqb (length ks) p) itins &&
  forallb (fun sk => piece_ok_t e ts forms (fst sk) (snd sk)) (combine (segments cuts) itins).

Theorem check_no_period_table_sound : forall e p ts forms cuts itins,
  check_no_period_table e p ts forms cuts itins = true ->
  forall x, ~ has_minimal_period (evalR e) p x.
Admitted.

(** * Piecewise-linear maps as tables: fast exact checks of the absence of period p.

    [check_no_period] re-derives f's affine form from the term on every segment and at every
    step; for a network with many units and long rationals that is slow.  Here f is given once
    as a table: breaks [ts] and one form (a, b) per piece, checked against the term by [aff]
    ([table_ok]).  A segment of the partition for f^p then carries its itinerary: the piece of
    the table that holds its k-th image, so each step costs two comparisons and one composition. *)
From Coq Require Import Reals QArith Qreals Lra Lia List Bool Arith.
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

(** ** Helper lemmas *)

Lemma segs_from_length (ts : list Q) : forall l, length (segs_from l ts) = S (length ts).
Proof. induction ts as [|t r IH]; intros l; simpl; [reflexivity | rewrite IH; reflexivity]. Qed.

Lemma within_sound (s P : seg) (x : R) : within s P = true -> in_seg s x -> in_seg P x.
Proof.
  unfold within, in_seg; intros H [Hl Hh]; apply andb_true_iff in H as [H1 H2]; split.
  - destruct (lo P) as [l|]; [| exact I].
    destruct (lo s) as [l'|]; [| discriminate].
    apply qle_R in H1; lra.
  - destruct (hi P) as [h|]; [| exact I].
    destruct (hi s) as [h'|]; [| discriminate].
    apply qle_R in H2; lra.
Qed.

(** Piece [k] of a checked table is f on the k-th segment. *)
Lemma table_piece (e : expr) (ts : list Q) (forms : list (Q * Q)) (k : nat) (d : seg) (df : Q * Q) :
  table_ok e ts forms = true -> (k < length forms)%nat ->
  forall x, in_seg (nth k (segments ts) d) x ->
  evalR e x = Q2R (fst (nth k forms df)) * x + Q2R (snd (nth k forms df)).
Proof.
  unfold table_ok; intros H Hk x Hx; rewrite !andb_true_iff in H.
  destruct H as [[_ Hlen] Hall]; apply Nat.eqb_eq in Hlen.
  assert (Hl : length (segments ts) = length forms)
    by (unfold segments; rewrite segs_from_length; lia).
  assert (Hin : In (nth k (segments ts) d, nth k forms df) (combine (segments ts) forms)).
  { rewrite <- combine_nth by exact Hl; apply nth_In; rewrite combine_length; lia. }
  pose proof (proj1 (forallb_forall _ _) Hall _ Hin) as Hok; simpl in Hok.
  unfold form_ok in Hok.
  destruct (aff e (nth k (segments ts) d)) as [[a b]|] eqn:E; [| discriminate].
  apply andb_true_iff in Hok as [Ha Hb]; apply qeq_R in Ha; apply qeq_R in Hb.
  rewrite (aff_sound e _ a b E x Hx), Ha, Hb; reflexivity.
Qed.

Theorem iter_table_sound : forall e ts forms, table_ok e ts forms = true ->
  forall ks s a b, iter_table ts forms ks s = Some (a, b) ->
  forall x, in_seg s x -> iter (evalR e) (length ks) x = Q2R a * x + Q2R b.
Proof.
  intros e ts forms Ht ks; induction ks as [|k r IH]; intros s a b H x Hx; cbn [iter_table] in H.
  - destruct (some_pair _ _ _ _ H) as [<- <-]; simpl; rewrite Q2R_1, Q2R_0; ring.
  - destruct (nth k forms (0%Q, 0%Q)) as [a1 b1] eqn:F.
    destruct (Nat.ltb k (length forms) && within s (nth k (segments ts) (Seg None None))) eqn:C;
      [| discriminate].
    apply andb_true_iff in C as [Ck Cw]; apply Nat.ltb_lt in Ck.
    destruct (iter_table ts forms r (image a1 b1 s)) as [[c d]|] eqn:E; [| discriminate].
    unfold qred_aff in H; destruct (some_pair _ _ _ _ H) as [<- <-].
    assert (Hf : evalR e x = Q2R a1 * x + Q2R b1).
    { rewrite (table_piece e ts forms k (Seg None None) (0%Q, 0%Q) Ht Ck x
                 (within_sound s _ x Cw Hx)), F; reflexivity. }
    cbn [length]; rewrite iter_S', Hf.
    rewrite (IH _ c d E _ (image_sound a1 b1 s x Hx)).
    rewrite !Q2R_Qred, Q2R_plus, !Q2R_mult; ring.
Qed.

(** Some 0 < k < p has f^k = id on all of [s] (along the first k steps of the itinerary). *)
Definition identity_early_t (ts : list Q) (forms : list (Q * Q)) (ks : list nat) (s : seg) : bool :=
  existsb (fun k => match iter_table ts forms (firstn k ks) s with
                    | Some (a, b) => Qeq_bool a 1 && Qeq_bool b 0
                    | None => false end) (seq 1 (pred (length ks))).

(** On [s] with itinerary [ks] (of length p), f^p is affine and each of its fixed points returns
    before step p (computed exactly from the term).  [if] rather than [||]: [vm_compute] is
    call-by-value, so [negb X || Y] would compute [Y] (three exact evaluations of the term) on
    every segment, not only on those holding a fixed point. *)
Definition piece_ok_t (e : expr) (ts : list Q) (forms : list (Q * Q)) (s : seg) (ks : list nat) : bool :=
  match iter_table ts forms ks s with
  | None => false
  | Some (a, b) =>
      if Qeq_bool a 1 then
        (if Qeq_bool b 0 then identity_early_t ts forms ks s else true)
      else
        let x := Qred (b / (1 - a)) in
        (if in_seg_b s x then returns_early e (length ks) x else true)
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
Proof.
  intros e p ts forms cuts itins H x Hper.
  unfold check_no_period_table in H; rewrite !andb_true_iff in H.
  destruct H as [[[[Ht _] Hlen] Hp] Hall]; apply Nat.eqb_eq in Hlen.
  destruct (segs_from_cover cuts None x I) as [s [Hin Hs]].
  destruct (In_nth _ _ (Seg None None) Hin) as [i [Hi Hsi]].
  fold (segments cuts) in Hi, Hsi.
  assert (Hl : length (segments cuts) = length itins)
    by (unfold segments; rewrite segs_from_length; lia).
  set (ks := nth i itins []).
  assert (Hks : In ks itins) by (apply nth_In; lia).
  assert (Hin2 : In (s, ks) (combine (segments cuts) itins)).
  { rewrite <- Hsi; unfold ks; rewrite <- combine_nth by exact Hl.
    apply nth_In; rewrite combine_length; lia. }
  pose proof (proj1 (forallb_forall _ _) Hall _ Hin2) as Hok; simpl in Hok.
  pose proof (proj1 (forallb_forall _ _) Hp _ Hks) as Hlk; apply Nat.eqb_eq in Hlk.
  unfold piece_ok_t in Hok.
  destruct (iter_table ts forms ks s) as [[a b]|] eqn:Ea; [| discriminate].
  pose proof (iter_table_sound e ts forms Ht ks s a b Ea x Hs) as Hfp; rewrite Hlk in Hfp.
  rewrite Hlk in Hok.
  apply (piece_no_period e p s a b (identity_early_t ts forms ks s) x Hper Hs Hfp).
  2: { destruct (Qeq_bool a 1); [destruct (Qeq_bool b 0) | destruct (in_seg_b s _)]; exact Hok. }
  intros Hid; unfold identity_early_t in Hid; apply existsb_exists in Hid as [k [Hk Hk']].
  apply in_seq in Hk.
  destruct (iter_table ts forms (firstn k ks) s) as [[a' b']|] eqn:Ek; [| discriminate].
  apply andb_true_iff in Hk' as [Ha' Hb'].
  apply qeq_R in Ha'; apply qeq_R in Hb'; rewrite Q2R_1 in Ha'; rewrite Q2R_0 in Hb'.
  pose proof (iter_table_sound e ts forms Ht _ s a' b' Ek x Hs) as Hk2.
  rewrite firstn_length, Hlk, Nat.min_l in Hk2 by lia.
  exists k; split; [lia |].
  rewrite Hk2, Ha', Hb'; ring.
Qed.

(** * Piecewise-linear maps over Q: reflective checks of periodic orbits and of their absence.

    [aff e s] is the affine form (slope, intercept) of [evalR e] on the segment [s] when every max
    and min in [e] keeps one side on all of [s] (and every product has a constant factor);
    [aff_iter e n s] the form of the n-th iterate.  A list of breaks [ts] cuts the line into
    segments; [check_no_period] solves f^p(x) = x on each one exactly. *)
From Coq Require Import Reals QArith Qreals Lra Psatz Lia List Bool Arith.
From Certify Require Import Expr Period.
Import ListNotations.
Open Scope R_scope.

(** A closed segment of the line; [None] is an infinite end. *)
Record seg : Type := Seg { lo : option Q; hi : option Q }.

Definition in_seg (s : seg) (x : R) : Prop :=
  (match lo s with Some l => Q2R l <= x | None => True end) /\
  (match hi s with Some h => x <= Q2R h | None => True end).

Definition qred_aff (a b : Q) : Q * Q := (Qred a, Qred b).

(** [a x + b >= 0] on all of [s].  On the whole line (both ends infinite) the end tests only give
    [a = 0], so the last conjunct also asks [b >= 0]. *)
Definition nonneg_on (a b : Q) (s : seg) : bool :=
  (match lo s with Some l => Qle_bool 0 (a * l + b) | None => Qle_bool a 0 end) &&
  (match hi s with Some h => Qle_bool 0 (a * h + b) | None => Qle_bool 0 a end) &&
  (match lo s, hi s with None, None => Qle_bool 0 b | _, _ => true end).

Fixpoint aff (e : expr) (s : seg) : option (Q * Q) :=
  match e with
  | EVar => Some (1%Q, 0%Q)
  | EConst q => Some (0%Q, q)
  | EAdd u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) => Some (qred_aff (a + c) (b + d))
      | _, _ => None
      end
  | EMul u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if Qeq_bool a 0 then Some (qred_aff (b * c) (b * d))
          else if Qeq_bool c 0 then Some (qred_aff (a * d) (b * d))
          else None
      | _, _ => None
      end
  | EMax u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if nonneg_on (a - c) (b - d) s then Some (a, b)
          else if nonneg_on (c - a) (d - b) s then Some (c, d)
          else None
      | _, _ => None
      end
  | EMin u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if nonneg_on (c - a) (d - b) s then Some (a, b)
          else if nonneg_on (a - c) (b - d) s then Some (c, d)
          else None
      | _, _ => None
      end
  | ETanh _ | ESigmoid _ | EExp _ => None
  end.

(** ** Helper lemmas: from Q's boolean tests to real inequalities *)

Lemma Q2R_0 : Q2R 0 = 0.
Proof. unfold Q2R; simpl; lra. Qed.

Lemma Q2R_1 : Q2R 1 = 1.
Proof. unfold Q2R; simpl; lra. Qed.

Lemma qle_R (u v : Q) : Qle_bool u v = true -> Q2R u <= Q2R v.
Proof. intros H; apply Qle_Rle, Qle_bool_imp_le, H. Qed.

Lemma qeq_R (u v : Q) : Qeq_bool u v = true -> Q2R u = Q2R v.
Proof. intros H; apply Qeq_eqR, Qeq_bool_eq, H. Qed.

Lemma qneq_R (u v : Q) : Qeq_bool u v = false -> Q2R u <> Q2R v.
Proof. intros H E; apply eqR_Qeq, Qeq_eq_bool in E; congruence. Qed.

Lemma some_pair {A B : Type} (a a' : A) (b b' : B) :
  Some (a, b) = Some (a', b') -> a = a' /\ b = b'.
Proof. intros H; inversion H; split; reflexivity. Qed.

Lemma nonneg_on_sound (a b : Q) (s : seg) : nonneg_on a b s = true ->
  forall x, in_seg s x -> 0 <= Q2R a * x + Q2R b.
Proof.
  unfold nonneg_on, in_seg; intros H x [Hl Hh].
  destruct (lo s) as [l|], (hi s) as [h|]; rewrite !andb_true_iff in H;
    destruct H as [[H1 H2] H3];
    repeat match goal with
    | K : Qle_bool _ _ = true |- _ => apply qle_R in K
    end;
    rewrite ?Q2R_plus, ?Q2R_mult, ?Q2R_0 in *;
    destruct (Rle_lt_dec 0 (Q2R a));
    first [nra | assert (Z : Q2R a = 0) by lra; rewrite Z; lra].
Qed.

(** The affine form computed by [aff] is the map on the segment. *)
Theorem aff_sound : forall e s a b, aff e s = Some (a, b) ->
  forall x, in_seg s x -> evalR e x = Q2R a * x + Q2R b.
Proof.
  induction e as [| q | e1 IH1 e2 IH2 | e1 IH1 e2 IH2 | e1 IH1 e2 IH2 | e1 IH1 e2 IH2 | e1 _ | e1 _ | e1 _];
    intros s a b H x Hx; cbn [aff evalR] in H |- *.
  - destruct (some_pair _ _ _ _ H) as [<- <-]; rewrite Q2R_1, Q2R_0; ring.
  - destruct (some_pair _ _ _ _ H) as [<- <-]; rewrite Q2R_0; ring.
  - destruct (aff e1 s) as [[a1 b1]|] eqn:E1; [| discriminate].
    destruct (aff e2 s) as [[a2 b2]|] eqn:E2; [| discriminate].
    unfold qred_aff in H; destruct (some_pair _ _ _ _ H) as [<- <-].
    rewrite (IH1 s a1 b1 E1 x Hx), (IH2 s a2 b2 E2 x Hx), !Q2R_Qred, !Q2R_plus; ring.
  - destruct (aff e1 s) as [[a1 b1]|] eqn:E1; [| discriminate].
    destruct (aff e2 s) as [[a2 b2]|] eqn:E2; [| discriminate].
    rewrite (IH1 s a1 b1 E1 x Hx), (IH2 s a2 b2 E2 x Hx).
    destruct (Qeq_bool a1 0) eqn:Z1.
    + unfold qred_aff in H; destruct (some_pair _ _ _ _ H) as [<- <-].
      apply qeq_R in Z1; rewrite Q2R_0 in Z1.
      rewrite !Q2R_Qred, !Q2R_mult, Z1; ring.
    + destruct (Qeq_bool a2 0) eqn:Z2; [| discriminate].
      unfold qred_aff in H; destruct (some_pair _ _ _ _ H) as [<- <-].
      apply qeq_R in Z2; rewrite Q2R_0 in Z2.
      rewrite !Q2R_Qred, !Q2R_mult, Z2; ring.
  - destruct (aff e1 s) as [[a1 b1]|] eqn:E1; [| discriminate].
    destruct (aff e2 s) as [[a2 b2]|] eqn:E2; [| discriminate].
    rewrite (IH1 s a1 b1 E1 x Hx), (IH2 s a2 b2 E2 x Hx).
    destruct (nonneg_on (a1 - a2) (b1 - b2) s) eqn:N1.
    + destruct (some_pair _ _ _ _ H) as [<- <-].
      pose proof (nonneg_on_sound _ _ _ N1 x Hx) as P; rewrite !Q2R_minus in P.
      apply Rmax_left; lra.
    + destruct (nonneg_on (a2 - a1) (b2 - b1) s) eqn:N2; [| discriminate].
      destruct (some_pair _ _ _ _ H) as [<- <-].
      pose proof (nonneg_on_sound _ _ _ N2 x Hx) as P; rewrite !Q2R_minus in P.
      apply Rmax_right; lra.
  - destruct (aff e1 s) as [[a1 b1]|] eqn:E1; [| discriminate].
    destruct (aff e2 s) as [[a2 b2]|] eqn:E2; [| discriminate].
    rewrite (IH1 s a1 b1 E1 x Hx), (IH2 s a2 b2 E2 x Hx).
    destruct (nonneg_on (a2 - a1) (b2 - b1) s) eqn:N1.
    + destruct (some_pair _ _ _ _ H) as [<- <-].
      pose proof (nonneg_on_sound _ _ _ N1 x Hx) as P; rewrite !Q2R_minus in P.
      apply Rmin_left; lra.
    + destruct (nonneg_on (a1 - a2) (b1 - b2) s) eqn:N2; [| discriminate].
      destruct (some_pair _ _ _ _ H) as [<- <-].
      pose proof (nonneg_on_sound _ _ _ N2 x Hx) as P; rewrite !Q2R_minus in P.
      apply Rmin_right; lra.
  - discriminate.
  - discriminate.
  - discriminate.
Qed.

(** The image of [s] under x |-> a x + b. *)
Definition image (a b : Q) (s : seg) : seg :=
  let m := fun (q : Q) => Qred (a * q + b) in
  if Qeq_bool a 0 then Seg (Some b) (Some b)
  else if Qle_bool 0 a then Seg (option_map m (lo s)) (option_map m (hi s))
  else Seg (option_map m (hi s)) (option_map m (lo s)).

(** The affine form of the n-th iterate on [s]. *)
Fixpoint aff_iter (e : expr) (n : nat) (s : seg) : option (Q * Q) :=
  match n with
  | O => Some (1%Q, 0%Q)
  | S k =>
      match aff e s with
      | None => None
      | Some (a, b) =>
          match aff_iter e k (image a b s) with
          | Some (c, d) => Some (qred_aff (c * a) (c * b + d))
          | None => None
          end
      end
  end.

(** [image a b s] contains the image of [s] under x |-> a x + b. *)
Lemma image_sound (a b : Q) (s : seg) (x : R) :
  in_seg s x -> in_seg (image a b s) (Q2R a * x + Q2R b).
Proof.
  unfold image, in_seg; intros [Hl Hh].
  destruct (Qeq_bool a 0) eqn:Z.
  - apply qeq_R in Z; rewrite Q2R_0 in Z; simpl; rewrite Z; lra.
  - destruct (Qle_bool 0 a) eqn:P.
    + apply qle_R in P; rewrite Q2R_0 in P.
      destruct (lo s) as [l|], (hi s) as [h|]; cbv beta zeta iota delta [lo hi option_map];
        rewrite ?Q2R_Qred, ?Q2R_plus, ?Q2R_mult; split; first [exact I | nra].
    + assert (N : Q2R a < 0).
      { rewrite <- Q2R_0; apply Qlt_Rlt, Qnot_le_lt; intros K.
        apply Qle_bool_iff in K; congruence. }
      destruct (lo s) as [l|], (hi s) as [h|]; cbv beta zeta iota delta [lo hi option_map];
        rewrite ?Q2R_Qred, ?Q2R_plus, ?Q2R_mult; split; first [exact I | nra].
Qed.

(** The affine form computed by [aff_iter] is the n-th iterate on the segment. *)
Theorem aff_iter_sound : forall e n s a b, aff_iter e n s = Some (a, b) ->
  forall x, in_seg s x -> iter (evalR e) n x = Q2R a * x + Q2R b.
Proof.
  intros e n; induction n as [|n IH]; intros s a b H x Hx; cbn [aff_iter] in H.
  - destruct (some_pair _ _ _ _ H) as [<- <-]; simpl; rewrite Q2R_1, Q2R_0; ring.
  - destruct (aff e s) as [[a1 b1]|] eqn:E1; [| discriminate].
    destruct (aff_iter e n (image a1 b1 s)) as [[c d]|] eqn:E2; [| discriminate].
    unfold qred_aff in H; destruct (some_pair _ _ _ _ H) as [<- <-].
    rewrite iter_S', (aff_sound e s a1 b1 E1 x Hx).
    rewrite (IH _ c d E2 _ (image_sound a1 b1 s x Hx)).
    rewrite !Q2R_Qred, Q2R_plus, !Q2R_mult; ring.
Qed.

(** The segments cut by the breaks [ts]: (-oo, t1], [t1, t2], ..., [tm, +oo). *)
Fixpoint segs_from (l : option Q) (ts : list Q) : list seg :=
  match ts with
  | [] => [Seg l None]
  | t :: r => Seg l (Some t) :: segs_from (Some t) r
  end.

Definition segments (ts : list Q) : list seg := segs_from None ts.

Definition Qlt_bool (a b : Q) : bool := negb (Qle_bool b a).

Fixpoint increasing (ts : list Q) : bool :=
  match ts with
  | t :: ((u :: _) as r) => Qlt_bool t u && increasing r
  | _ => true
  end.

Definition in_seg_b (s : seg) (x : Q) : bool :=
  (match lo s with Some l => Qle_bool l x | None => true end) &&
  (match hi s with Some h => Qle_bool x h | None => true end).

(** The exact orbit of [x]: [Some] of its n-th iterate. *)
Fixpoint iterQ (e : expr) (n : nat) (x : Q) : option Q :=
  match n with
  | O => Some x
  | S k => match iterQ e k x with Some y => evalQ e y | None => None end
  end.

(** Some 0 < k < p has f^k(x) = x, computed exactly. *)
Definition returns_early (e : expr) (p : nat) (x : Q) : bool :=
  existsb (fun k => match iterQ e k x with Some y => Qeq_bool y x | None => false end) (seq 1 (pred p)).

(** Some 0 < k < p has f^k = id on all of [s]. *)
Definition identity_early (e : expr) (p : nat) (s : seg) : bool :=
  existsb (fun k => match aff_iter e k s with
                    | Some (a, b) => Qeq_bool a 1 && Qeq_bool b 0
                    | None => false end) (seq 1 (pred p)).

(** On [s], f^p is affine and each of its fixed points returns before step p. *)
Definition piece_ok (e : expr) (p : nat) (s : seg) : bool :=
  match aff_iter e p s with
  | None => false
  | Some (a, b) =>
      if Qeq_bool a 1 then
        (negb (Qeq_bool b 0)) || identity_early e p s
      else
        let x := Qred (b / (1 - a)) in
        negb (in_seg_b s x) || returns_early e p x
  end.

Definition check_no_period (e : expr) (p : nat) (ts : list Q) : bool :=
  increasing ts && forallb (piece_ok e p) (segments ts).

(** The segments cover the line (whether or not the breaks increase). *)
Lemma segs_from_cover (ts : list Q) : forall (l : option Q) (x : R),
  (match l with Some q => Q2R q <= x | None => True end) ->
  exists s, In s (segs_from l ts) /\ in_seg s x.
Proof.
  induction ts as [|t r IH]; intros l x Hl; simpl.
  - exists (Seg l None); split; [left; reflexivity | split; simpl; [exact Hl | exact I]].
  - destruct (Rle_lt_dec x (Q2R t)) as [Ht | Ht].
    + exists (Seg l (Some t)); split; [left; reflexivity | split; simpl; [exact Hl | exact Ht]].
    + destruct (IH (Some t) x) as [s [Hin Hs]]; [simpl; lra |].
      exists s; split; [right; exact Hin | exact Hs].
Qed.

Lemma in_seg_b_complete (s : seg) (q : Q) : in_seg s (Q2R q) -> in_seg_b s q = true.
Proof.
  unfold in_seg, in_seg_b; intros [Hl Hh]; apply andb_true_iff; split.
  - destruct (lo s) as [l|]; [apply Qle_bool_iff, Rle_Qle, Hl | reflexivity].
  - destruct (hi s) as [h|]; [apply Qle_bool_iff, Rle_Qle, Hh | reflexivity].
Qed.

(** The exact orbit computed over Q is the real orbit. *)
Lemma iterQ_sound (e : expr) (n : nat) (x y : Q) :
  iterQ e n x = Some y -> iter (evalR e) n (Q2R x) = Q2R y.
Proof.
  revert y; induction n as [|n IH]; intros y H; cbn [iterQ] in H.
  - apply some_eq in H; subst y; reflexivity.
  - destruct (iterQ e n x) as [z|] eqn:E; [| discriminate].
    simpl; rewrite (IH z eq_refl); exact (evalQ_sound e z y H).
Qed.

(** The per-segment argument shared by [check_no_period_sound] and the table check of Table.v:
    if f^p is x |-> a x + b on a segment holding a point x of minimal period p, the test of
    [piece_ok] (with [idb] standing for "f^k = id on the segment for some 0 < k < p") fails. *)
Lemma piece_no_period (e : expr) (p : nat) (s : seg) (a b : Q) (idb : bool) (x : R) :
  has_minimal_period (evalR e) p x -> in_seg s x ->
  iter (evalR e) p x = Q2R a * x + Q2R b ->
  (idb = true -> exists k, (0 < k < p)%nat /\ iter (evalR e) k x = x) ->
  (if Qeq_bool a 1 then negb (Qeq_bool b 0) || idb
   else negb (in_seg_b s (Qred (b / (1 - a)))) || returns_early e p (Qred (b / (1 - a)))) = true ->
  False.
Proof.
  intros [Hp [Hx Hmin]] Hs Hfp Hidb Hok.
  destruct (Qeq_bool a 1) eqn:A1.
  - apply qeq_R in A1; rewrite Q2R_1 in A1.
    apply orb_true_iff in Hok as [Hb | Hid].
    + apply negb_true_iff, qneq_R in Hb; rewrite Q2R_0 in Hb.
      rewrite A1 in Hfp; lra.
    + destruct (Hidb Hid) as [k [Hk Hk']]; exact (Hmin k Hk Hk').
  - apply qneq_R in A1; rewrite Q2R_1 in A1.
    set (xq := Qred (b / (1 - a))) in Hok.
    assert (Hxq : Q2R xq = x).
    { unfold xq; rewrite Q2R_Qred, Q2R_div.
      - rewrite Q2R_minus, Q2R_1.
        apply (Rmult_eq_reg_r (1 - Q2R a)); [| lra].
        unfold Rdiv; rewrite Rmult_assoc, Rinv_l by lra; lra.
      - intros Z; apply Qeq_eqR in Z; rewrite Q2R_minus, Q2R_1, Q2R_0 in Z; lra. }
    rewrite <- Hxq in Hs; rewrite (in_seg_b_complete s xq Hs) in Hok; simpl in Hok.
    unfold returns_early in Hok; apply existsb_exists in Hok as [k [Hk Hk']].
    apply in_seq in Hk.
    destruct (iterQ e k xq) as [y|] eqn:Ek; [| discriminate].
    apply qeq_R in Hk'.
    apply (Hmin k); [lia |].
    rewrite <- Hxq, (iterQ_sound e k xq y Ek); exact Hk'.
Qed.

(** [check_no_period e p ts]: no point of minimal period [p] (each fixed point of f^p on each
    segment returns early, or f^p has no fixed point there, or f^k = id there for some k < p). *)
Theorem check_no_period_sound : forall e p ts, check_no_period e p ts = true ->
  forall x, ~ has_minimal_period (evalR e) p x.
Proof.
  intros e p ts H x Hper.
  unfold check_no_period in H; apply andb_true_iff in H as [_ H].
  destruct (segs_from_cover ts None x I) as [s [Hin Hs]].
  pose proof (proj1 (forallb_forall _ _) H s Hin) as Hok; clear H.
  unfold piece_ok in Hok.
  destruct (aff_iter e p s) as [[a b]|] eqn:Ea; [| discriminate].
  apply (piece_no_period e p s a b (identity_early e p s) x Hper Hs
           (aff_iter_sound e p s a b Ea x Hs)); [| exact Hok].
  intros Hid; unfold identity_early in Hid; apply existsb_exists in Hid as [k [Hk Hk']].
  apply in_seq in Hk.
  destruct (aff_iter e k s) as [[a' b']|] eqn:Ek; [| discriminate].
  apply andb_true_iff in Hk' as [Ha' Hb'].
  apply qeq_R in Ha'; apply qeq_R in Hb'; rewrite Q2R_1 in Ha'; rewrite Q2R_0 in Hb'.
  exists k; split; [lia |].
  rewrite (aff_iter_sound e k s a' b' Ek x Hs), Ha', Hb'; ring.
Qed.

(** An exact cycle x0 -> x1 -> ... -> x0 of pairwise distinct points. *)
Fixpoint maps_along (e : expr) (x0 : Q) (xs : list Q) : bool :=
  match xs with
  | [] => false
  | [x] => match evalQ e x with Some y => Qeq_bool y x0 | None => false end
  | x :: ((y :: _) as r) =>
      match evalQ e x with Some z => Qeq_bool z y && maps_along e x0 r | None => false end
  end.

Fixpoint distinct (xs : list Q) : bool :=
  match xs with
  | [] => true
  | x :: r => forallb (fun y => negb (Qeq_bool x y)) r && distinct r
  end.

Definition check_cycle (e : expr) (xs : list Q) : bool :=
  match xs with [] => false | x0 :: _ => maps_along e x0 xs && distinct xs end.

Lemma maps_along_iter (e : expr) (x0 : Q) (zs : list Q) : forall z,
  maps_along e x0 (z :: zs) = true ->
  (forall k, (k <= length zs)%nat -> iter (evalR e) k (Q2R z) = Q2R (nth k (z :: zs) 0%Q)) /\
  iter (evalR e) (S (length zs)) (Q2R z) = Q2R x0.
Proof.
  induction zs as [|w r IH]; intros z H.
  - simpl in H; destruct (evalQ e z) as [y|] eqn:E; [| discriminate].
    split.
    + intros k Hk; assert (k = O) by (simpl in Hk; lia); subst k; reflexivity.
    + simpl; rewrite (evalQ_sound e z y E); exact (qeq_R _ _ H).
  - cbn [maps_along] in H; destruct (evalQ e z) as [y|] eqn:E; [| discriminate].
    apply andb_true_iff in H as [Hy H].
    assert (Hf : evalR e (Q2R z) = Q2R w) by (rewrite (evalQ_sound e z y E); exact (qeq_R _ _ Hy)).
    destruct (IH w H) as [Hk Hl]; split.
    + intros k Hk'; destruct k as [|k]; [reflexivity |].
      rewrite iter_S', Hf; apply Hk; simpl in Hk'; lia.
    + rewrite iter_S', Hf; exact Hl.
Qed.

(** [check_cycle e (x :: xs)]: x is a point of minimal period 1 + length xs. *)
Theorem check_cycle_sound : forall e x xs, check_cycle e (x :: xs) = true ->
  has_minimal_period (evalR e) (S (length xs)) (Q2R x).
Proof.
  intros e x xs H; unfold check_cycle in H.
  apply andb_true_iff in H as [Hm Hd].
  destruct (maps_along_iter e x xs x Hm) as [Hk Hl].
  split; [lia | split; [exact Hl |]].
  intros k Hk' E.
  rewrite (Hk k ltac:(lia)) in E.
  destruct k as [|k]; [lia |]; simpl in E.
  cbn [distinct] in Hd; apply andb_true_iff in Hd as [Hd _].
  assert (Hin : In (nth k xs 0%Q) xs) by (apply nth_In; lia).
  pose proof (proj1 (forallb_forall _ _) Hd _ Hin) as Hne; simpl in Hne.
  apply negb_true_iff, qneq_R in Hne; apply Hne; symmetry; exact E.
Qed.

(** f^3(a) <= a < f(a) < f^2(a), or all reversed, computed exactly. *)
Definition check_li_yorke (e : expr) (a : Q) : bool :=
  match evalQ e a with
  | None => false
  | Some b =>
      match evalQ e b with
      | None => false
      | Some c =>
          match evalQ e c with
          | None => false
          | Some d =>
              (Qle_bool d a && Qlt_bool a b && Qlt_bool b c) ||
              (Qlt_bool c b && Qlt_bool b a && Qle_bool a d)
          end
      end
  end.

Lemma qlt_R (u v : Q) : Qlt_bool u v = true -> Q2R u < Q2R v.
Proof.
  unfold Qlt_bool; intros H; apply negb_true_iff in H.
  apply Qlt_Rlt, Qnot_le_lt; intros Hle; apply Qle_bool_iff in Hle; congruence.
Qed.

(** [check_li_yorke e a]: the map has a point of minimal period 3 (Li-Yorke at a). *)
Theorem check_li_yorke_sound : forall e a, check_li_yorke e a = true ->
  exists x, has_minimal_period (evalR e) 3 x.
Proof.
  intros e a H; unfold check_li_yorke in H.
  destruct (evalQ e a) as [b|] eqn:Eb; [| discriminate].
  destruct (evalQ e b) as [c|] eqn:Ec; [| discriminate].
  destruct (evalQ e c) as [d|] eqn:Ed; [| discriminate].
  apply (li_yorke (evalR e) (Q2R a) (evalR_continuous e)).
  rewrite iter_3, (evalQ_sound e a b Eb), (evalQ_sound e b c Ec), (evalQ_sound e c d Ed).
  apply orb_true_iff in H as [H | H]; rewrite !andb_true_iff in H.
  - destruct H as [[H1 H2] H3]; apply qle_R in H1; apply qlt_R in H2; apply qlt_R in H3.
    left; lra.
  - destruct H as [[H1 H2] H3]; apply qlt_R in H1; apply qlt_R in H2; apply qle_R in H3.
    right; lra.
Qed.

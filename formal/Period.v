(** * Periodic points of continuous maps of the line: covering relations and the Li-Yorke argument. *)
From Coq Require Import Reals Lra Psatz Lia List Arith.
Import ListNotations.
Open Scope R_scope.

Fixpoint iter (f : R -> R) (n : nat) (x : R) : R :=
  match n with O => x | S k => f (iter f k x) end.

(** [x] has minimal period [p]: it returns after [p] steps and not before. *)
Definition has_minimal_period (f : R -> R) (p : nat) (x : R) : Prop :=
  (0 < p)%nat /\ iter f p x = x /\ forall k, (0 < k < p)%nat -> iter f k x <> x.

(** [f] maps [a, b] over [c, d]: every value in [c, d] is taken on [a, b]. *)
Definition covers (f : R -> R) (a b c d : R) : Prop :=
  forall y, c <= y <= d -> exists x, a <= x <= b /\ f x = y.

(** ** Helper lemmas *)

Ltac split_ands := repeat match goal with |- _ /\ _ => split end.

Lemma iter_S' (f : R -> R) (n : nat) (x : R) : iter f (S n) x = iter f n (f x).
Proof.
  induction n as [|n IH]; [reflexivity |].
  change (f (iter f (S n) x) = f (iter f n (f x))); rewrite IH; reflexivity.
Qed.

Lemma iter_continuous (f : R -> R) (n : nat) : continuity f -> continuity (iter f n).
Proof.
  intros Hf; induction n as [|n IH].
  - exact (derivable_continuous _ derivable_id).
  - exact (continuity_comp (iter f n) f IH Hf).
Qed.

(** The intermediate value theorem, for a value between f a and f b in either order. *)
Lemma ivt (f : R -> R) (a b y : R) :
  continuity f -> a <= b -> (f a <= y <= f b \/ f b <= y <= f a) ->
  exists z, a <= z <= b /\ f z = y.
Proof.
  intros Hf Hab Hy.
  assert (Hc : continuity (fun x => f x - y)).
  { apply (continuity_minus f (fun _ => y) Hf).
    apply continuity_const; intros u v; reflexivity. }
  destruct (IVT_cor (fun x => f x - y) a b Hc Hab) as [z [Hz Hfz]].
  - destruct Hy; nra.
  - exists z; split; [exact Hz | lra].
Qed.

(** The last zero of a continuous function on [lo, hi] (a classical sup argument). *)
Lemma last_zero (g : R -> R) (lo hi : R) :
  continuity g -> lo <= hi -> g lo = 0 ->
  exists m, lo <= m <= hi /\ g m = 0 /\ forall x, m < x <= hi -> g x <> 0.
Proof.
  intros Hg Hle H0.
  set (E := fun x => lo <= x <= hi /\ g x = 0).
  assert (HB : bound E) by (exists hi; intros x [Hx _]; lra).
  assert (HE : exists x, E x) by (exists lo; split; [lra | exact H0]).
  destruct (completeness E HB HE) as [m [Hub Hleast]].
  assert (Hlo : lo <= m) by (apply Hub; split; [lra | exact H0]).
  assert (Hhi : m <= hi) by (apply Hleast; intros x [Hx _]; lra).
  assert (Hm : g m = 0).
  { destruct (Req_dec (g m) 0) as [Hz | Hnz]; [exact Hz | exfalso].
    destruct (Hg m (Rabs (g m)) (Rabs_pos_lt _ Hnz)) as [d [Hd Hclose]].
    assert (Hub' : is_upper_bound E (m - d / 2)).
    { intros x [Hx Hgx].
      destruct (Rle_lt_dec x (m - d / 2)) as [Hle' | Hlt]; [exact Hle' | exfalso].
      assert (Hxm : x <= m) by (apply Hub; split; assumption).
      destruct (Req_dec x m) as [Heq | Hneq]; [subst x; congruence |].
      assert (Hd' : R_dist (g x) (g m) < Rabs (g m)).
      { apply Hclose; split; [split; [exact I | intros Hmx; apply Hneq; symmetry; exact Hmx] |].
        simpl; unfold R_dist; rewrite Rabs_left1 by lra; lra. }
      unfold R_dist in Hd'; rewrite Hgx, Rminus_0_l, Rabs_Ropp in Hd'; lra. }
    specialize (Hleast _ Hub'); lra. }
  exists m; split; [lra | split; [exact Hm |]].
  intros x Hx Hgx; assert (x <= m) by (apply Hub; split; [lra | exact Hgx]); lra.
Qed.

(** The first zero of a continuous function on [lo, hi], by reflection. *)
Lemma first_zero (g : R -> R) (lo hi : R) :
  continuity g -> lo <= hi -> g hi = 0 ->
  exists m, lo <= m <= hi /\ g m = 0 /\ forall x, lo <= x < m -> g x <> 0.
Proof.
  intros Hg Hle H0.
  assert (Hc : continuity (fun x => g (- x))).
  { apply (continuity_comp (fun x => - x) g); [| exact Hg].
    exact (continuity_opp _ (derivable_continuous _ derivable_id)). }
  destruct (last_zero (fun x => g (- x)) (- hi) (- lo) Hc) as [m [Hm [Hgm Hnz]]].
  - lra.
  - rewrite Ropp_involutive; exact H0.
  - exists (- m); split; [lra | split; [exact Hgm |]].
    intros x Hx; rewrite <- (Ropp_involutive x); apply Hnz; lra.
Qed.

(** Between the last [y1]-point [u] and the first [y2]-point [v] after it, f stays between y1 and y2. *)
Lemma sub_interval (f : R -> R) (p q y1 y2 : R) :
  continuity f -> p <= q -> f p = y1 -> f q = y2 ->
  exists u v, p <= u /\ u <= v /\ v <= q /\ f u = y1 /\ f v = y2 /\
    forall x, u <= x <= v -> Rmin y1 y2 <= f x <= Rmax y1 y2.
Proof.
  intros Hf Hpq Hp Hq.
  assert (Hc1 : continuity (fun x => f x - y1)).
  { apply (continuity_minus f (fun _ => y1) Hf); apply continuity_const; intros a b; reflexivity. }
  assert (Hc2 : continuity (fun x => f x - y2)).
  { apply (continuity_minus f (fun _ => y2) Hf); apply continuity_const; intros a b; reflexivity. }
  destruct (last_zero _ p q Hc1 Hpq) as [u [Hu [Hfu Hn1]]]; [lra |].
  destruct (first_zero _ u q Hc2) as [v [Hv [Hfv Hn2]]]; [lra | lra |].
  exists u, v; split_ands; try lra.
  - intros x Hx.
    unfold Rmin, Rmax; destruct (Rle_dec y1 y2) as [H12 | H12].
    + split.
      * destruct (Rle_lt_dec y1 (f x)) as [Hl | Hl]; [exact Hl | exfalso].
        assert (Hxu : u < x) by (destruct (Req_dec x u) as [E | E]; [subst x; lra | lra]).
        destruct (ivt f x v y1 Hf) as [z [Hz Hfz]]; [lra | lra |].
        apply (Hn1 z); lra.
      * destruct (Rle_lt_dec (f x) y2) as [Hl | Hl]; [exact Hl | exfalso].
        assert (Hxv : x < v) by (destruct (Req_dec x v) as [E | E]; [subst x; lra | lra]).
        destruct (ivt f u x y2 Hf) as [z [Hz Hfz]]; [lra | lra |].
        apply (Hn2 z); lra.
    + split.
      * destruct (Rle_lt_dec y2 (f x)) as [Hl | Hl]; [exact Hl | exfalso].
        assert (Hxv : x < v) by (destruct (Req_dec x v) as [E | E]; [subst x; lra | lra]).
        destruct (ivt f u x y2 Hf) as [z [Hz Hfz]]; [lra | lra |].
        apply (Hn2 z); lra.
      * destruct (Rle_lt_dec (f x) y1) as [Hl | Hl]; [exact Hl | exfalso].
        assert (Hxu : u < x) by (destruct (Req_dec x u) as [E | E]; [subst x; lra | lra]).
        destruct (ivt f x v y1 Hf) as [z [Hz Hfz]]; [lra | lra |].
        apply (Hn1 z); lra.
Qed.

(** The covering lemma: if f([a, b]) contains [c, d], some closed [u, v] in [a, b] has f([u, v]) = [c, d]. *)
Lemma covering_lemma (f : R -> R) (a b c d : R) :
  continuity f -> c <= d -> covers f a b c d ->
  exists u v, a <= u /\ u <= v /\ v <= b /\ (forall x, u <= x <= v -> c <= f x <= d) /\ covers f u v c d.
Proof.
  intros Hf Hcd Hcov.
  destruct (Hcov c) as [xc [Hxc Hfc]]; [lra |].
  destruct (Hcov d) as [xd [Hxd Hfd]]; [lra |].
  destruct (Rle_lt_dec xc xd) as [Hle | Hlt].
  - destruct (sub_interval f xc xd c d Hf Hle Hfc Hfd) as [u [v [H1 [H2 [H3 [Hu [Hv Hin]]]]]]].
    exists u, v; split_ands; try lra.
    + intros x Hx; specialize (Hin x Hx); rewrite Rmin_left, Rmax_right in Hin; lra.
    + intros y Hy; destruct (ivt f u v y Hf H2) as [z [Hz Hfz]]; [lra |].
      exists z; split; assumption.
  - destruct (sub_interval f xd xc d c Hf (Rlt_le _ _ Hlt) Hfd Hfc) as [u [v [H1 [H2 [H3 [Hu [Hv Hin]]]]]]].
    exists u, v; split_ands; try lra.
    + intros x Hx; specialize (Hin x Hx); rewrite Rmin_right, Rmax_left in Hin; lra.
    + intros y Hy; destruct (ivt f u v y Hf H2) as [z [Hz Hfz]]; [lra |].
      exists z; split; assumption.
Qed.

(** A chain of coverings J_0 -> J_1 -> ... -> J_n: some [u, v] in J_0 stays in J_k under f^k and
    f^n maps it over J_n. *)
Lemma covering_chain (f : R -> R) : continuity f -> forall n (J : nat -> R * R),
  (forall k, (k <= n)%nat -> fst (J k) <= snd (J k)) ->
  (forall k, (k < n)%nat -> covers f (fst (J k)) (snd (J k)) (fst (J (S k))) (snd (J (S k)))) ->
  exists u v, fst (J O) <= u /\ u <= v /\ v <= snd (J O) /\
    (forall x, u <= x <= v -> forall k, (k <= n)%nat -> fst (J k) <= iter f k x <= snd (J k)) /\
    covers (iter f n) u v (fst (J n)) (snd (J n)).
Proof.
  intros Hf n; induction n as [|n IH]; intros J Hok Hcov.
  - exists (fst (J O)), (snd (J O)); specialize (Hok O (le_n 0)).
    split_ands; try lra.
    + intros x Hx k Hk; assert (k = O) by lia; subst k; exact Hx.
    + intros y Hy; exists y; split; [exact Hy | reflexivity].
  - destruct (IH (fun k => J (S k))) as [u' [v' [H1 [H2 [H3 [Hin Hc]]]]]].
    + intros k Hk; apply Hok; lia.
    + intros k Hk; apply Hcov; lia.
    + cbv beta in *.
      assert (Hc0 : covers f (fst (J O)) (snd (J O)) u' v').
      { intros y Hy; apply (Hcov O); [lia | lra]. }
      destruct (covering_lemma f _ _ u' v' Hf H2 Hc0) as [u [v [G1 [G2 [G3 [Gin Gc]]]]]].
      exists u, v; split_ands; try assumption.
      * intros x Hx k Hk; destruct k as [|k]; [simpl; lra |].
        rewrite iter_S'; apply (Hin (f x)); [apply Gin; exact Hx | lia].
      * intros y Hy; destruct (Hc y Hy) as [x' [Hx' Hfx']].
        destruct (Gc x' Hx') as [x [Hx Hfx]].
        exists x; split; [exact Hx |]; rewrite iter_S', Hfx; exact Hfx'.
Qed.

(** The covering loop.  A loop of coverings I_0 -> I_1 -> ... -> I_(p-1) -> I_0 ([Is] = I_0 :: ... :: I_(p-1)) gives a
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
Proof.
  intros Hf Hne Hok Hcov.
  assert (Hp : (0 < length Is)%nat) by (destruct Is as [|i r]; [congruence | simpl; lia]).
  set (p := length Is) in *.
  set (J := fun k => nth (k mod p) Is (0, 0)).
  destruct (covering_chain f Hf p J) as [u [v [H1 [H2 [H3 [Hin Hc]]]]]].
  - intros k _; unfold J.
    apply (proj1 (Forall_nth interval_ok Is) Hok); apply Nat.mod_upper_bound; lia.
  - intros k Hk; unfold J; rewrite (Nat.mod_small k p) by lia; exact (Hcov k Hk).
  - assert (HJ0 : J O = nth 0 Is (0, 0)) by (unfold J; rewrite Nat.mod_0_l by lia; reflexivity).
    assert (HJp : J p = nth 0 Is (0, 0)) by (unfold J; rewrite Nat.mod_same by lia; reflexivity).
    rewrite HJ0 in H1, H3; rewrite HJp in Hc.
    destruct (Hc (fst (nth 0 Is (0, 0)))) as [s [Hs Hfs]]; [lra |].
    destruct (Hc (snd (nth 0 Is (0, 0)))) as [t [Ht Hft]]; [lra |].
    set (g := fun x => iter f p x - x).
    assert (Hg : continuity g).
    { exact (continuity_minus (iter f p) (fun x => x) (iter_continuous f p Hf)
               (derivable_continuous _ derivable_id)). }
    assert (Hz : exists z, u <= z <= v /\ g z = 0).
    { destruct (Rle_lt_dec s t) as [Hst | Hst].
      - destruct (ivt g s t 0 Hg Hst) as [z [Hz Hgz]]; [unfold g; lra |].
        exists z; split; [lra | exact Hgz].
      - destruct (ivt g t s 0 Hg (Rlt_le _ _ Hst)) as [z [Hz Hgz]]; [unfold g; lra |].
        exists z; split; [lra | exact Hgz]. }
    destruct Hz as [z [Hz Hgz]].
    exists z; split; [unfold g in Hgz; lra |].
    intros k Hk; specialize (Hin z Hz k (Nat.lt_le_incl _ _ Hk)).
    unfold J in Hin; rewrite Nat.mod_small in Hin by lia; exact Hin.
Qed.

Lemma iter_3 (f : R -> R) (x : R) : iter f 3 x = f (f (f x)).
Proof. reflexivity. Qed.

(** The increasing case of Li-Yorke: intervals I0 = [a, f a], I1 = [f a, f^2 a], loop I0 -> I1 -> I1 -> I0. *)
Lemma li_yorke_up (f : R -> R) (a : R) :
  continuity f -> f (f (f a)) <= a -> a < f a -> f a < f (f a) ->
  exists x, has_minimal_period f 3 x.
Proof.
  intros Hf H3 H1 H2.
  destruct (covering_loop f [(a, f a); (f a, f (f a)); (f a, f (f a))] Hf) as [x [Hx Hin]].
  - discriminate.
  - repeat constructor; unfold interval_ok; simpl; lra.
  - intros k Hk; simpl in Hk.
    destruct k as [|[|[|k]]]; simpl.
    + intros y Hy; destruct (ivt f a (f a) y Hf) as [z Hz]; [lra | lra | exists z; exact Hz].
    + intros y Hy; destruct (ivt f (f a) (f (f a)) y Hf) as [z Hz]; [lra | lra | exists z; exact Hz].
    + intros y Hy; destruct (ivt f (f a) (f (f a)) y Hf) as [z Hz]; [lra | lra | exists z; exact Hz].
    + lia.
  - exists x; split; [lia | split; [exact Hx |]].
    pose proof (Hin 0%nat ltac:(simpl; lia)) as I0.
    pose proof (Hin 1%nat ltac:(simpl; lia)) as I1.
    pose proof (Hin 2%nat ltac:(simpl; lia)) as I2.
    unfold in_interval in I0, I1, I2; simpl in I0, I1, I2.
    intros k Hk; destruct k as [|[|[|k]]]; try lia; simpl; intros Hfx.
    + assert (E : x = f a) by lra; rewrite E in Hfx; lra.
    + assert (E : x = f a) by lra; rewrite E in Hfx; lra.
Qed.

Lemma iter_conj (f : R -> R) (n : nat) (x : R) :
  iter (fun y => - f (- y)) n x = - iter f n (- x).
Proof.
  induction n as [|n IH]; simpl; [lra |].
  rewrite IH, Ropp_involutive; reflexivity.
Qed.

(** Li and Yorke: f^3(a) <= a < f(a) < f^2(a) (or all reversed) gives a point of minimal period 3. *)
Theorem li_yorke (f : R -> R) (a : R) :
  continuity f ->
  (iter f 3 a <= a < f a /\ f a < f (f a)) \/ (f (f a) < f a /\ f a < a <= iter f 3 a) ->
  exists x, has_minimal_period f 3 x.
Proof.
  intros Hf [[[H3 H1] H2] | [H2 [H1 H3]]]; rewrite iter_3 in H3.
  - exact (li_yorke_up f a Hf H3 H1 H2).
  - (* conjugate by x |-> -x *)
    set (h := fun y => - f (- y)).
    assert (Hh : continuity h).
    { apply continuity_opp, (continuity_comp (fun y => - y) f); [| exact Hf].
      exact (continuity_opp _ (derivable_continuous _ derivable_id)). }
    destruct (li_yorke_up h (- a) Hh) as [x [Hp [Hx Hmin]]];
      try (unfold h; rewrite !Ropp_involutive; lra).
    exists (- x); split; [exact Hp | split].
    + pose proof (iter_conj f 3 x) as C; fold h in C; lra.
    + intros k Hk E; apply (Hmin k Hk).
      pose proof (iter_conj f k x) as C; fold h in C; lra.
Qed.

(** The same from enclosures of f(a), f^2(a), f^3(a): what the [interval] tactic proves. *)
Theorem li_yorke_enclosures (f : R -> R) (a l1 u1 l2 u2 l3 u3 : R) :
  continuity f ->
  l1 <= f a <= u1 ->
  (forall y, l1 <= y <= u1 -> l2 <= f y <= u2) ->
  (forall y, l2 <= y <= u2 -> l3 <= f y <= u3) ->
  u3 <= a -> a < l1 -> u1 < l2 ->
  exists x, has_minimal_period f 3 x.
Proof.
  intros Hf E1 E2 E3 Ha Hb Hc.
  pose proof (E2 (f a) E1) as F2; pose proof (E3 (f (f a)) F2) as F3.
  apply (li_yorke f a Hf); left; rewrite iter_3; lra.
Qed.

(** The reversed order: f^2(a) < f(a) < a <= f^3(a), from enclosures. *)
Theorem li_yorke_enclosures_rev (f : R -> R) (a l1 u1 l2 u2 l3 u3 : R) :
  continuity f ->
  l1 <= f a <= u1 ->
  (forall y, l1 <= y <= u1 -> l2 <= f y <= u2) ->
  (forall y, l2 <= y <= u2 -> l3 <= f y <= u3) ->
  a <= l3 -> u1 < a -> u2 < l1 ->
  exists x, has_minimal_period f 3 x.
Proof.
  intros Hf E1 E2 E3 Ha Hb Hc.
  pose proof (E2 (f a) E1) as F2; pose proof (E3 (f (f a)) F2) as F3.
  apply (li_yorke f a Hf); right; rewrite iter_3; lra.
Qed.

(** * Maps as terms: the functions certify's specs denote, and their exact evaluation over Q.

    A certificate's map is exported as a term [e : expr]; [evalR e] is the real function it
    denotes.  Every such function is continuous ([evalR_continuous]), and where the term uses
    only rational constants, sums, products, max and min, [evalQ] evaluates it exactly over Q
    ([evalQ_sound]). *)
From Coq Require Import Reals QArith Qreals Lra.
Open Scope R_scope.

Inductive expr : Type :=
  | EVar
  | EConst (q : Q)
  | EAdd (a b : expr)
  | EMul (a b : expr)
  | EMax (a b : expr)
  | EMin (a b : expr)
  | ETanh (a : expr)
  | ESigmoid (a : expr)
  | EExp (a : expr).

Definition tanh (x : R) : R := 1 - 2 / (exp (2 * x) + 1).
Definition sigmoid (x : R) : R := 1 / (1 + exp (- x)).

Fixpoint evalR (e : expr) (x : R) : R :=
  match e with
  | EVar => x
  | EConst q => Q2R q
  | EAdd a b => evalR a x + evalR b x
  | EMul a b => evalR a x * evalR b x
  | EMax a b => Rmax (evalR a x) (evalR b x)
  | EMin a b => Rmin (evalR a x) (evalR b x)
  | ETanh a => tanh (evalR a x)
  | ESigmoid a => sigmoid (evalR a x)
  | EExp a => exp (evalR a x)
  end.

(** Continuity is extensional (no functional extensionality needed). *)
Lemma continuity_ext (f g : R -> R) :
  (forall x, f x = g x) -> continuity f -> continuity g.
Proof.
  intros Heq Hf x eps Heps.
  destruct (Hf x eps Heps) as [d [Hd Hx]].
  exists d; split; [exact Hd |].
  intros y Hy; rewrite <- !Heq; exact (Hx y Hy).
Qed.

Lemma cont_plus (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => f x + g x).
Proof. exact (continuity_plus f g). Qed.

Lemma cont_minus (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => f x - g x).
Proof. exact (continuity_minus f g). Qed.

Lemma cont_mult (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => f x * g x).
Proof. exact (continuity_mult f g). Qed.

Lemma cont_const (c : R) : continuity (fun _ => c).
Proof. apply continuity_const; intros x y; reflexivity. Qed.

Lemma cont_id : continuity (fun x => x).
Proof. exact (derivable_continuous _ derivable_id). Qed.

Lemma cont_comp (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => g (f x)).
Proof. exact (continuity_comp f g). Qed.

Lemma cont_div (f g : R -> R) :
  continuity f -> continuity g -> (forall x, g x <> 0) -> continuity (fun x => f x / g x).
Proof. exact (continuity_div f g). Qed.

Lemma cont_exp : continuity exp.
Proof. exact (derivable_continuous _ derivable_exp). Qed.

Lemma cont_abs (f : R -> R) : continuity f -> continuity (fun x => Rabs (f x)).
Proof. intros Hf; exact (cont_comp f Rabs Hf Rcontinuity_abs). Qed.

Lemma Rmax_abs (a b : R) : Rmax a b = (a + b + Rabs (a - b)) / 2.
Proof.
  unfold Rmax; destruct (Rle_dec a b).
  - rewrite Rabs_left1 by lra; lra.
  - rewrite Rabs_right by lra; lra.
Qed.

Lemma Rmin_abs (a b : R) : Rmin a b = (a + b - Rabs (a - b)) / 2.
Proof.
  unfold Rmin; destruct (Rle_dec a b).
  - rewrite Rabs_left1 by lra; lra.
  - rewrite Rabs_right by lra; lra.
Qed.

Lemma cont_max (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => Rmax (f x) (g x)).
Proof.
  intros Hf Hg.
  apply (continuity_ext (fun x => (f x + g x + Rabs (f x - g x)) / 2)).
  { intros x; symmetry; apply Rmax_abs. }
  apply cont_div; [| apply cont_const | intros; lra].
  apply cont_plus; [apply cont_plus; assumption |].
  apply cont_abs, cont_minus; assumption.
Qed.

Lemma cont_min (f g : R -> R) :
  continuity f -> continuity g -> continuity (fun x => Rmin (f x) (g x)).
Proof.
  intros Hf Hg.
  apply (continuity_ext (fun x => (f x + g x - Rabs (f x - g x)) / 2)).
  { intros x; symmetry; apply Rmin_abs. }
  apply cont_div; [| apply cont_const | intros; lra].
  apply cont_minus; [apply cont_plus; assumption |].
  apply cont_abs, cont_minus; assumption.
Qed.

Lemma cont_tanh : continuity tanh.
Proof.
  unfold tanh.
  apply cont_minus; [apply cont_const |].
  apply cont_div; [apply cont_const | |].
  - apply cont_plus; [| apply cont_const].
    apply (cont_comp (fun x => 2 * x) exp); [| exact cont_exp].
    apply cont_mult; [apply cont_const | exact cont_id].
  - intros x; pose proof (exp_pos (2 * x)); lra.
Qed.

Lemma cont_sigmoid : continuity sigmoid.
Proof.
  unfold sigmoid.
  apply cont_div; [apply cont_const | |].
  - apply cont_plus; [apply cont_const |].
    apply (cont_comp (fun x => - x) exp); [| exact cont_exp].
    exact (continuity_opp _ cont_id).
  - intros x; pose proof (exp_pos (- x)); lra.
Qed.

(** Every term denotes a continuous function of the line. *)
Theorem evalR_continuous : forall e, continuity (evalR e).
Proof.
  induction e; simpl.
  - exact cont_id.
  - apply cont_const.
  - apply cont_plus; assumption.
  - apply cont_mult; assumption.
  - apply cont_max; assumption.
  - apply cont_min; assumption.
  - exact (cont_comp _ tanh IHe cont_tanh).
  - exact (cont_comp _ sigmoid IHe cont_sigmoid).
  - exact (cont_comp _ exp IHe cont_exp).
Qed.

Definition Qmax_b (a b : Q) : Q := if Qle_bool a b then b else a.
Definition Qmin_b (a b : Q) : Q := if Qle_bool a b then a else b.

(** Exact evaluation: [None] when the term uses tanh, sigmoid or exp. *)
Fixpoint evalQ (e : expr) (x : Q) : option Q :=
  match e with
  | EVar => Some x
  | EConst q => Some q
  | EAdd a b =>
      match evalQ a x, evalQ b x with Some u, Some v => Some (Qred (u + v)) | _, _ => None end
  | EMul a b =>
      match evalQ a x, evalQ b x with Some u, Some v => Some (Qred (u * v)) | _, _ => None end
  | EMax a b =>
      match evalQ a x, evalQ b x with Some u, Some v => Some (Qmax_b u v) | _, _ => None end
  | EMin a b =>
      match evalQ a x, evalQ b x with Some u, Some v => Some (Qmin_b u v) | _, _ => None end
  | ETanh _ | ESigmoid _ | EExp _ => None
  end.

Lemma Q2R_Qred (q : Q) : Q2R (Qred q) = Q2R q.
Proof. apply Qeq_eqR, Qred_correct. Qed.

Lemma Q2R_Qmax_b (u v : Q) : Q2R (Qmax_b u v) = Rmax (Q2R u) (Q2R v).
Proof.
  unfold Qmax_b; destruct (Qle_bool u v) eqn:E.
  - apply Qle_bool_imp_le, Qle_Rle in E; rewrite Rmax_right; auto.
  - assert (Hl : ~ (u <= v)%Q) by (intros H; apply Qle_bool_iff in H; congruence).
    apply Qnot_le_lt, Qlt_Rlt in Hl; rewrite Rmax_left; lra.
Qed.

Lemma Q2R_Qmin_b (u v : Q) : Q2R (Qmin_b u v) = Rmin (Q2R u) (Q2R v).
Proof.
  unfold Qmin_b; destruct (Qle_bool u v) eqn:E.
  - apply Qle_bool_imp_le, Qle_Rle in E; rewrite Rmin_left; auto.
  - assert (Hl : ~ (u <= v)%Q) by (intros H; apply Qle_bool_iff in H; congruence).
    apply Qnot_le_lt, Qlt_Rlt in Hl; rewrite Rmin_right; lra.
Qed.

Lemma some_eq {A : Type} (a b : A) : Some a = Some b -> a = b.
Proof. congruence. Qed.

(** Exact evaluation over Q agrees with the real function at rational points. *)
Theorem evalQ_sound : forall e q r, evalQ e q = Some r -> evalR e (Q2R q) = Q2R r.
Proof.
  induction e; intros z r H; cbn [evalQ evalR] in H |- *.
  - apply some_eq in H; subst r; reflexivity.
  - apply some_eq in H; subst r; reflexivity.
  - destruct (evalQ e1 z) as [u|] eqn:E1; [| discriminate].
    destruct (evalQ e2 z) as [v|] eqn:E2; [| discriminate].
    apply some_eq in H; subst r; rewrite Q2R_Qred, Q2R_plus, (IHe1 z u E1), (IHe2 z v E2); reflexivity.
  - destruct (evalQ e1 z) as [u|] eqn:E1; [| discriminate].
    destruct (evalQ e2 z) as [v|] eqn:E2; [| discriminate].
    apply some_eq in H; subst r; rewrite Q2R_Qred, Q2R_mult, (IHe1 z u E1), (IHe2 z v E2); reflexivity.
  - destruct (evalQ e1 z) as [u|] eqn:E1; [| discriminate].
    destruct (evalQ e2 z) as [v|] eqn:E2; [| discriminate].
    apply some_eq in H; subst r; rewrite Q2R_Qmax_b, (IHe1 z u E1), (IHe2 z v E2); reflexivity.
  - destruct (evalQ e1 z) as [u|] eqn:E1; [| discriminate].
    destruct (evalQ e2 z) as [v|] eqn:E2; [| discriminate].
    apply some_eq in H; subst r; rewrite Q2R_Qmin_b, (IHe1 z u E1), (IHe2 z v E2); reflexivity.
  - discriminate.
  - discriminate.
  - discriminate.
Qed.

